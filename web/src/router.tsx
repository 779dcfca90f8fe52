import { createRootRoute, createRoute, createRouter, Navigate, Outlet, useRouterState } from '@tanstack/react-router';
import { Center, Loader } from '@mantine/core';
import { useSession } from './session.tsx';
import { AppLayout } from './components/AppLayout.tsx';
import { SignInScreen } from './screens/SignInScreen.tsx';
import { LinkScreen } from './screens/LinkScreen.tsx';
import { InboxScreen } from './screens/inbox/InboxScreen.tsx';
import { ContactsScreen } from './screens/contacts/ContactsScreen.tsx';
import { DuplicatesScreen } from './screens/contacts/DuplicatesScreen.tsx';
import { ContactScreen } from './screens/contacts/ContactScreen.tsx';
import { ImportScreen } from './screens/import/ImportScreen.tsx';
import { OrganizationsScreen } from './screens/organizations/OrganizationsScreen.tsx';
import { OrganizationScreen } from './screens/organizations/OrganizationScreen.tsx';
import { SettingsScreen } from './screens/settings/SettingsScreen.tsx';
import { TemplatesScreen } from './screens/templates/TemplatesScreen.tsx';
import { TemplateEditorScreen } from './screens/templates/TemplateEditor.tsx';
import { TemplateDetailScreen } from './screens/templates/TemplateDetailScreen.tsx';
import { CampaignsScreen } from './screens/campaigns/CampaignsScreen.tsx';
import { CampaignWizard } from './screens/campaigns/CampaignWizard.tsx';
import { CampaignDetailScreen } from './screens/campaigns/CampaignDetailScreen.tsx';
import { NoAccess, NotFound } from './components/Problems.tsx';

/** Signed-out visitors see the sign-in form on any app URL, and return to it after signing in. */
function Root() {
  const { me, loading } = useSession();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const isPublic = path.startsWith('/signin');
  if (isPublic) return <Outlet />;
  if (loading) {
    return (
      <Center h="100%">
        <Loader aria-label="…" />
      </Center>
    );
  }
  if (!me) return <SignInScreen />;
  return (
    <AppLayout>
      <Outlet />
    </AppLayout>
  );
}

function AdminOnly({ children }: { children: React.ReactNode }) {
  const { isAdmin } = useSession();
  return isAdmin ? <>{children}</> : <NoAccess />;
}

/** Campaigns and merging duplicates are for owners, admins and supervisors; agents get "No access" (the API answers 403 too). */
function StaffOnly({ children }: { children: React.ReactNode }) {
  const { role } = useSession();
  return role && role !== 'agent' ? <>{children}</> : <NoAccess />;
}

const rootRoute = createRootRoute({ component: Root, notFoundComponent: NotFound });

const indexRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: () => <Navigate to="/inbox" /> });
const signInRoute = createRoute({ getParentRoute: () => rootRoute, path: '/signin', component: SignInScreen });
const tokenSearch = (s: Record<string, unknown>) => ({ token: typeof s.token === 'string' ? s.token : '' });
const linkRoute = createRoute({ getParentRoute: () => rootRoute, path: '/signin/link', validateSearch: tokenSearch, component: () => <LinkScreen /> });
const inviteRoute = createRoute({ getParentRoute: () => rootRoute, path: '/signin/invite', validateSearch: tokenSearch, component: () => <LinkScreen invite /> });

const inboxRoute = createRoute({ getParentRoute: () => rootRoute, path: '/inbox', component: () => <InboxScreen /> });
const conversationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/inbox/$conversationId',
  component: function ConversationRoute() {
    const { conversationId } = conversationRoute.useParams();
    return <InboxScreen conversationId={conversationId} />;
  },
});
const contactsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/contacts',
  // ?filter= starts the segment filter box with that text (links from an organization, say); optional, so plain links need no search.
  validateSearch: (s: Record<string, unknown>): { filter?: string } => (typeof s.filter === 'string' && s.filter ? { filter: s.filter } : {}),
  component: function ContactsRoute() {
    const { filter } = contactsRoute.useSearch();
    // A new filter in the URL starts the screen afresh (typing in the box does not touch the URL).
    return <ContactsScreen key={filter ?? ''} initialFilter={filter} />;
  },
});
const duplicatesRoute = createRoute({ getParentRoute: () => rootRoute, path: '/contacts/duplicates', component: () => <StaffOnly><DuplicatesScreen /></StaffOnly> });
const contactRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/contacts/$contactId',
  component: function ContactRoute() {
    const { contactId } = contactRoute.useParams();
    return <ContactScreen contactId={contactId} />;
  },
});
const organizationsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/organizations', component: OrganizationsScreen });
const organizationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/organizations/$organizationId',
  component: function OrganizationRoute() {
    const { organizationId } = organizationRoute.useParams();
    return <OrganizationScreen key={organizationId} organizationId={organizationId} />;
  },
});
const importRoute = createRoute({ getParentRoute: () => rootRoute, path: '/import', component: ImportScreen });
const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings',
  component: () => (
    <AdminOnly>
      <SettingsScreen />
    </AdminOnly>
  ),
});
const settingsSectionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings/$section',
  component: function SettingsSectionRoute() {
    const { section } = settingsSectionRoute.useParams();
    return (
      <AdminOnly>
        <SettingsScreen section={section} />
      </AdminOnly>
    );
  },
});

const templatesRoute = createRoute({ getParentRoute: () => rootRoute, path: '/templates', component: TemplatesScreen });
const templateNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/templates/new',
  component: () => (
    <AdminOnly>
      <TemplateEditorScreen />
    </AdminOnly>
  ),
});
const templateRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/templates/$templateId',
  component: function TemplateRoute() {
    const { templateId } = templateRoute.useParams();
    return <TemplateDetailScreen key={templateId} templateId={templateId} />;
  },
});
const templateEditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/templates/$templateId/edit',
  component: function TemplateEditRoute() {
    const { templateId } = templateEditRoute.useParams();
    return (
      <AdminOnly>
        <TemplateEditorScreen key={templateId} templateId={templateId} />
      </AdminOnly>
    );
  },
});
const campaignsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/campaigns',
  component: () => (
    <StaffOnly>
      <CampaignsScreen />
    </StaffOnly>
  ),
});
const campaignNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/campaigns/new',
  validateSearch: (s: Record<string, unknown>) => ({ draft: typeof s.draft === 'string' ? s.draft : undefined }),
  component: function CampaignNewRoute() {
    const { draft } = campaignNewRoute.useSearch();
    return (
      <StaffOnly>
        <CampaignWizard key={draft ?? 'new'} {...(draft ? { draftId: draft } : {})} />
      </StaffOnly>
    );
  },
});
const campaignRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/campaigns/$campaignId',
  component: function CampaignRoute() {
    const { campaignId } = campaignRoute.useParams();
    return (
      <StaffOnly>
        <CampaignDetailScreen key={campaignId} campaignId={campaignId} />
      </StaffOnly>
    );
  },
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  signInRoute,
  linkRoute,
  inviteRoute,
  inboxRoute,
  conversationRoute,
  contactsRoute,
  duplicatesRoute,
  contactRoute,
  organizationsRoute,
  organizationRoute,
  importRoute,
  templatesRoute,
  templateNewRoute,
  templateRoute,
  templateEditRoute,
  campaignsRoute,
  campaignNewRoute,
  campaignRoute,
  settingsRoute,
  settingsSectionRoute,
]);

export const router = createRouter({ routeTree, defaultPreload: false });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
