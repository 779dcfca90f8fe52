import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { onUnauthorized } from './api/client.ts';
import { meKey, useMe, useSetMyLanguage } from './api/auth.ts';
import type { Language, Me, Role } from './api/types.ts';
import { browserLanguage, I18nProvider } from './i18n/index.tsx';

interface Session {
  me: Me | null;
  loading: boolean;
  lang: Language;
  setLang: (lang: Language) => void;
  isAdmin: boolean;
  role: Role | null;
}

const SessionContext = createContext<Session>({ me: null, loading: true, lang: 'es', setLang: () => {}, isAdmin: false, role: null });

const LANG_KEY = 'charla.lang';

function storedLanguage(): Language | null {
  const v = typeof localStorage !== 'undefined' ? localStorage.getItem(LANG_KEY) : null;
  return v === 'es' || v === 'en' ? v : null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const meQuery = useMe();
  const me = meQuery.data ?? null;
  const saveLanguage = useSetMyLanguage();
  const [chosen, setChosen] = useState<Language | null>(storedLanguage);

  useEffect(
    () =>
      // Any 401 means the session ended (expired, signed out elsewhere): show the sign-in screen.
      onUnauthorized(() => {
        qc.setQueryData(meKey, null);
      }),
    [qc],
  );

  const lang: Language = me?.user.language ?? chosen ?? browserLanguage();
  const setLang = useCallback(
    (l: Language) => {
      localStorage.setItem(LANG_KEY, l);
      setChosen(l);
      if (me) {
        qc.setQueryData(meKey, { ...me, user: { ...me.user, language: l } } as Me);
        saveLanguage.mutate(l);
      }
    },
    [me, qc, saveLanguage],
  );

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const value = useMemo<Session>(
    () => ({
      me,
      loading: meQuery.isLoading,
      lang,
      setLang,
      role: me?.user.role ?? null,
      isAdmin: me?.user.role === 'owner' || me?.user.role === 'admin',
    }),
    [me, meQuery.isLoading, lang, setLang],
  );
  return (
    <SessionContext.Provider value={value}>
      <I18nProvider lang={lang}>{children}</I18nProvider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  return useContext(SessionContext);
}
