import { Center, Loader } from '@mantine/core';
import { useContact } from '../../api/contacts.ts';
import { ErrorMessage } from '../../components/Problems.tsx';
import { ContactSummary } from '../contacts/ContactSummary.tsx';

export function ContactPanel({ contactId }: { contactId: string }) {
  const contact = useContact(contactId);
  if (contact.error) return <ErrorMessage error={contact.error} onRetry={() => void contact.refetch()} />;
  if (!contact.data) {
    return (
      <Center p="md">
        <Loader size="sm" />
      </Center>
    );
  }
  return <ContactSummary contact={contact.data} compact />;
}
