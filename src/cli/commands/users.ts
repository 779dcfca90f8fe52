import { asc, eq, sql } from 'drizzle-orm';
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/open.ts';
import { loadSecretKey, secretsFromKey } from '../../store/secrets.ts';
import { createContext } from '../../context.ts';
import { users } from '../../accounts/schema.ts';
import { createLink, linkUrl } from '../../accounts/links.ts';
import { databaseOptions, parseCommandArgs, UsageError } from '../args.ts';

export const help = `charla users link [email] — print a one-time sign-in link to set a new password

Without an e-mail the link is for the first owner (for a lost first-start link).
Options: --data-dir DIR [CHARLA_DATA_DIR], --database-url URL [DATABASE_URL], --public-url URL [PUBLIC_URL]
With the embedded database, stop the server first (one process per data directory).
`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('users', argv, { ...databaseOptions, 'public-url': { type: 'string' } });
  if (values.help || positionals[0] !== 'link') {
    if (!values.help) throw new UsageError(`Unknown users command "${positionals[0] ?? ''}".\n\n${help}`);
    return void console.log(help);
  }
  const config = loadConfig(process.env, values as Record<string, string>);
  const opened = await openStore(config, 'charla users link');
  try {
    const ctx = createContext({
      store: opened.store,
      secrets: secretsFromKey(loadSecretKey(config)),
      cloudApi: { baseUrl: 'http://127.0.0.1:9', version: config.CLOUD_API_VERSION },
    });
    const email = positionals[1];
    const [user] = email
      ? await ctx.store.db.select().from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()))
      : await ctx.store.db.select().from(users).where(eq(users.role, 'owner')).orderBy(asc(users.createdAt)).limit(1);
    if (!user) throw new UsageError(email ? `No user with e-mail ${email}.` : 'There is no owner yet: start the server once (charla start) to create one.');
    const { token, expiresAt } = await createLink(ctx, { purpose: 'reset', userId: user.id, email: user.email, createdBy: null });
    const base = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
    console.log(`One-time link for ${user.email} (valid until ${expiresAt.toISOString()}):\n${linkUrl(base, 'reset', token)}`);
  } finally {
    await opened.close();
  }
}
