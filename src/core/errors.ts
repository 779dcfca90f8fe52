// Meta error codes (spec §2.2) → whether to retry, how long to wait, and what to tell a person (English, Spanish).
export type Backoff =
  /** Exponential with full jitter: delay = random × min(maxMs, baseMs × 2^attempt), at least minMs. */
  | { kind: 'exponential'; baseMs: number; maxMs: number; minMs: number }
  /** Pair rate limit (spec §4.7): 4^X seconds, X = attempt (0, 1, 2…), capped. */
  | { kind: 'pair_rate'; maxExponent: number }
  /** Fixed wait plus up to jitterMs (maintenance mode ~1 min). */
  | { kind: 'fixed'; ms: number; jitterMs: number };

export interface Words {
  en: string;
  es: string;
}

export interface ErrorInfo {
  code: number;
  title: string;
  retryable: boolean;
  backoff: Backoff | null;
  /** What happened, for the person who sent the message. */
  explanation: Words;
  /** What to do about it. */
  advice: Words;
}

const SHORT: Backoff = { kind: 'exponential', baseMs: 1_000, maxMs: 30_000, minMs: 250 };
const SERVER: Backoff = { kind: 'exponential', baseMs: 2_000, maxMs: 5 * 60_000, minMs: 500 };
const APP_RATE: Backoff = { kind: 'exponential', baseMs: 60_000, maxMs: 30 * 60_000, minMs: 30_000 };

type Row = [title: string, retry: Backoff | null, explanation: Words, advice: Words];

const NO_RETRY_FIX_SETUP: Words = {
  en: 'An administrator must fix the WhatsApp account setup before messages can be sent.',
  es: 'Un administrador debe corregir la configuración de la cuenta de WhatsApp antes de poder enviar mensajes.',
};
const RETRY_LATER: Words = {
  en: 'Charla retries automatically; nothing to do unless it keeps failing.',
  es: 'Charla lo reintenta automáticamente; no hace falta hacer nada salvo que siga fallando.',
};
const FIX_MESSAGE: Words = {
  en: 'Correct the message and send it again.',
  es: 'Corrige el mensaje y vuelve a enviarlo.',
};
const FIX_TEMPLATE_VALUES: Words = {
  en: 'Check the values given to the template variables against the template and send again.',
  es: 'Revisa los valores de las variables de la plantilla y vuelve a enviarla.',
};

const TABLE: Record<number, Row> = {
  0: ['AuthException', null,
    { en: 'WhatsApp could not authenticate Charla: the access token is invalid or expired.', es: 'WhatsApp no pudo autenticar a Charla: el token de acceso no es válido o caducó.' },
    { en: 'Replace the access token of this number in Settings.', es: 'Sustituye el token de acceso de este número en Ajustes.' }],
  1: ['API Unknown', SERVER,
    { en: 'WhatsApp reported an unknown error, possibly a temporary outage.', es: 'WhatsApp informó de un error desconocido, posiblemente una caída temporal.' },
    RETRY_LATER],
  2: ['API Service', SERVER,
    { en: 'The WhatsApp service is temporarily down or overloaded.', es: 'El servicio de WhatsApp está caído o sobrecargado temporalmente.' },
    RETRY_LATER],
  3: ['API Method', null,
    { en: 'The app lacks the capability or permission for this call.', es: 'La aplicación no tiene la capacidad o el permiso para esta llamada.' },
    NO_RETRY_FIX_SETUP],
  4: ['Too many calls', APP_RATE,
    { en: 'The app made too many calls to WhatsApp and was rate-limited.', es: 'La aplicación hizo demasiadas llamadas a WhatsApp y fue limitada.' },
    { en: 'Charla waits and retries; reduce management calls if it repeats.', es: 'Charla espera y reintenta; reduce las llamadas de gestión si se repite.' }],
  10: ['Permission denied', null,
    { en: 'Permission denied: the app is not allowed to use this number or feature.', es: 'Permiso denegado: la aplicación no puede usar este número o función.' },
    { en: 'Grant the whatsapp_business_messaging permission to the app in Meta Business Manager.', es: 'Concede el permiso whatsapp_business_messaging a la aplicación en Meta Business Manager.' }],
  33: ['Parameter value is not valid', null,
    { en: 'The business phone number was deleted.', es: 'El número de teléfono de la empresa fue eliminado.' },
    { en: 'Connect another number in Settings.', es: 'Conecta otro número en Ajustes.' }],
  100: ['Invalid parameter', null,
    { en: 'WhatsApp rejected a field of the request as unsupported or misspelled.', es: 'WhatsApp rechazó un campo de la petición por no admitido o mal escrito.' },
    FIX_MESSAGE],
  190: ['Access token has expired', null,
    { en: 'The access token of this number has expired.', es: 'El token de acceso de este número ha caducado.' },
    { en: 'Generate a new (preferably permanent, system-user) token and save it in Settings.', es: 'Genera un token nuevo (mejor permanente, de usuario del sistema) y guárdalo en Ajustes.' }],
  200: ['API Permission', null,
    { en: 'The app lacks a permission needed for this call.', es: 'A la aplicación le falta un permiso necesario para esta llamada.' },
    NO_RETRY_FIX_SETUP],
  368: ['Temporarily blocked for policies violations', null,
    { en: 'Meta has temporarily blocked this account for policy violations.', es: 'Meta ha bloqueado temporalmente esta cuenta por infringir sus políticas.' },
    { en: 'Review the account quality in WhatsApp Manager and wait for the block to end.', es: 'Revisa la calidad de la cuenta en WhatsApp Manager y espera a que termine el bloqueo.' }],
  470: ['Message failed to send because more than 24 hours have passed since the customer last replied', null,
    { en: 'More than 24 hours have passed since the customer last wrote (legacy error).', es: 'Han pasado más de 24 horas desde el último mensaje del cliente (error antiguo).' },
    { en: 'Send an approved template instead.', es: 'Envía una plantilla aprobada en su lugar.' }],
  80007: ['Rate limit issues', APP_RATE,
    { en: 'The WhatsApp Business Account reached its rate limit for management calls.', es: 'La cuenta de WhatsApp Business alcanzó su límite de llamadas de gestión.' },
    { en: 'Charla waits and retries; template syncs will be slower for a while.', es: 'Charla espera y reintenta; la sincronización de plantillas irá más lenta un rato.' }],
  130429: ['Rate limit hit', SHORT,
    { en: 'The number sent more messages per second than its throughput allows.', es: 'El número envió más mensajes por segundo de los que su capacidad permite.' },
    { en: 'Charla slows down and retries automatically.', es: 'Charla reduce el ritmo y lo reintenta automáticamente.' }],
  130472: ["User's number is part of an experiment", null,
    { en: 'Meta did not deliver this marketing message: the customer is part of a Meta experiment.', es: 'Meta no entregó este mensaje de marketing: el cliente forma parte de un experimento de Meta.' },
    { en: 'Nothing to fix; do not resend the same marketing message.', es: 'No hay nada que corregir; no reenvíes el mismo mensaje de marketing.' }],
  130497: ['Business account is restricted from messaging users in this country', null,
    { en: 'This business cannot message users in the customer\'s country.', es: 'Esta empresa no puede enviar mensajes a usuarios del país del cliente.' },
    { en: 'Contact the customer through another channel.', es: 'Contacta con el cliente por otro canal.' }],
  131000: ['Something went wrong', SERVER,
    { en: 'WhatsApp failed to send the message for an unknown reason.', es: 'WhatsApp no pudo enviar el mensaje por un motivo desconocido.' },
    RETRY_LATER],
  131005: ['Access denied', null,
    { en: 'Access denied: the token does not have permission for this number.', es: 'Acceso denegado: el token no tiene permiso sobre este número.' },
    NO_RETRY_FIX_SETUP],
  131008: ['Required parameter is missing', null,
    { en: 'The message is missing a required field.', es: 'Al mensaje le falta un campo obligatorio.' },
    FIX_MESSAGE],
  131009: ['Parameter value is not valid', null,
    { en: 'A value in the message is not valid (for a reaction: the message is older than 30 days, unknown, deleted, or itself a reaction).', es: 'Un valor del mensaje no es válido (en una reacción: el mensaje tiene más de 30 días, no existe, fue borrado o es otra reacción).' },
    FIX_MESSAGE],
  131016: ['Service unavailable', SERVER,
    { en: 'The WhatsApp service is temporarily unavailable.', es: 'El servicio de WhatsApp no está disponible temporalmente.' },
    RETRY_LATER],
  131021: ['Recipient cannot be sender', null,
    { en: 'The message was addressed to the sending number itself.', es: 'El mensaje iba dirigido al propio número que lo envía.' },
    { en: 'Choose a different recipient.', es: 'Elige otro destinatario.' }],
  131026: ['Message undeliverable', null,
    { en: 'The message could not be delivered: the number may not use WhatsApp, may not have accepted the terms, may use an old app, or may have blocked this business.', es: 'No se pudo entregar el mensaje: puede que el número no use WhatsApp, no haya aceptado las condiciones, tenga una app antigua o haya bloqueado a esta empresa.' },
    { en: 'Check the number with the customer, or reach them another way.', es: 'Confirma el número con el cliente o contáctalo por otra vía.' }],
  131030: ['Recipient phone number not in allowed list', null,
    { en: 'The number is not in the list of allowed test recipients.', es: 'El número no está en la lista de destinatarios de prueba permitidos.' },
    { en: 'Add it to the allowed list in the Meta app dashboard, or use a production number.', es: 'Añádelo a la lista permitida en el panel de la app de Meta o usa un número de producción.' }],
  131031: ['Account has been locked', null,
    { en: 'The WhatsApp account is locked (policy violation, or the two-step PIN could not be verified).', es: 'La cuenta de WhatsApp está bloqueada (infracción de políticas o no se pudo verificar el PIN de dos pasos).' },
    NO_RETRY_FIX_SETUP],
  131037: ['WhatsApp provided number needs display name approval before message can be sent', null,
    { en: 'The display name of this number has not been approved yet.', es: 'El nombre visible de este número aún no está aprobado.' },
    { en: 'Wait for display-name approval in WhatsApp Manager.', es: 'Espera la aprobación del nombre visible en WhatsApp Manager.' }],
  131042: ['Business eligibility payment issue', null,
    { en: 'There is a payment problem on the account (no payment method, or the credit line is over its limit).', es: 'Hay un problema de pago en la cuenta (sin método de pago o línea de crédito superada).' },
    { en: 'Fix the payment method in Meta Business Manager.', es: 'Corrige el método de pago en Meta Business Manager.' }],
  131045: ['Incorrect certificate', null,
    { en: 'The phone number is not registered correctly.', es: 'El número de teléfono no está bien registrado.' },
    { en: 'Register the number again from Settings.', es: 'Vuelve a registrar el número desde Ajustes.' }],
  131047: ['Re-engagement message', null,
    { en: 'More than 24 hours have passed since the customer last wrote, so only a template can be sent.', es: 'Han pasado más de 24 horas desde el último mensaje del cliente, así que solo se puede enviar una plantilla.' },
    { en: 'Send an approved template to restart the conversation.', es: 'Envía una plantilla aprobada para retomar la conversación.' }],
  131048: ['Spam rate limit hit', null,
    { en: 'Sending from this number is restricted: too many customers blocked or reported it.', es: 'Los envíos desde este número están restringidos: demasiados clientes lo bloquearon o denunciaron.' },
    { en: 'Pause campaigns, review who you message and how often, and check quality in WhatsApp Manager.', es: 'Pausa las campañas, revisa a quién escribes y con qué frecuencia, y mira la calidad en WhatsApp Manager.' }],
  131049: ['This message was not delivered to maintain healthy ecosystem engagement', null,
    { en: 'Meta chose not to deliver this marketing message (the customer received too many recently).', es: 'Meta decidió no entregar este mensaje de marketing (el cliente recibió demasiados recientemente).' },
    { en: 'Do not retry for at least 24 hours; retrying sooner can block the customer for longer.', es: 'No lo reintentes en al menos 24 horas; reintentarlo antes puede bloquear al cliente más tiempo.' }],
  131050: ['Unable to deliver the message: user stopped marketing messages', null,
    { en: 'The customer has stopped marketing messages from this business.', es: 'El cliente ha dejado de recibir mensajes de marketing de esta empresa.' },
    { en: 'Do not send marketing to this customer; their consent was updated.', es: 'No envíes marketing a este cliente; su consentimiento se ha actualizado.' }],
  131051: ['Unsupported message type', null,
    { en: 'WhatsApp does not support this message type.', es: 'WhatsApp no admite este tipo de mensaje.' },
    FIX_MESSAGE],
  131052: ['Media download error', null,
    { en: 'The file the customer sent could not be downloaded (for example, it is over 100 MB).', es: 'No se pudo descargar el archivo que envió el cliente (por ejemplo, supera 100 MB).' },
    { en: 'Ask the customer to send it again or another way.', es: 'Pide al cliente que lo envíe de nuevo o por otra vía.' }],
  131053: ['Media upload error', null,
    { en: 'The media could not be uploaded or fetched: unsupported type, wrong MIME type, or the link could not be read.', es: 'No se pudo subir u obtener el archivo: tipo no admitido, tipo MIME incorrecto o enlace inaccesible.' },
    { en: 'Use a supported file type and size, or upload the file instead of linking it.', es: 'Usa un tipo y tamaño de archivo admitidos, o sube el archivo en vez de enlazarlo.' }],
  131055: ['Method not allowed', null,
    { en: 'Only marketing templates can be sent through this API.', es: 'Por esta API solo se pueden enviar plantillas de marketing.' },
    NO_RETRY_FIX_SETUP],
  131056: ['(Business Account, Consumer Account) pair rate limit hit', { kind: 'pair_rate', maxExponent: 5 },
    { en: 'Too many messages went to this customer in a short time.', es: 'Se enviaron demasiados mensajes a este cliente en poco tiempo.' },
    { en: 'Charla waits and sends the rest more slowly.', es: 'Charla espera y envía el resto más despacio.' }],
  131057: ['Account in maintenance mode', { kind: 'fixed', ms: 60_000, jitterMs: 10_000 },
    { en: 'The account is in maintenance (for example, a throughput upgrade), which takes about a minute.', es: 'La cuenta está en mantenimiento (por ejemplo, una mejora de capacidad), lo que dura alrededor de un minuto.' },
    RETRY_LATER],
  131062: ['Business-scoped user ID recipients not supported', null,
    { en: 'This message cannot be sent to a business-scoped user ID; it needs the customer\'s phone number.', es: 'Este mensaje no se puede enviar a un ID de usuario de la empresa; necesita el número de teléfono del cliente.' },
    { en: 'Add the customer\'s phone number, or send a different kind of message.', es: 'Añade el número de teléfono del cliente o envía otro tipo de mensaje.' }],
  131063: ['Marketing templates disabled', null,
    { en: 'Marketing templates are disabled for the Cloud API on this account.', es: 'Las plantillas de marketing están desactivadas para la Cloud API en esta cuenta.' },
    NO_RETRY_FIX_SETUP],
  131064: ['Message limit reached because of template classification violations', null,
    { en: 'The account reached a message limit because templates were misclassified.', es: 'La cuenta alcanzó un límite de mensajes porque hubo plantillas mal clasificadas.' },
    { en: 'Review the categories of your templates in WhatsApp Manager.', es: 'Revisa las categorías de tus plantillas en WhatsApp Manager.' }],
  132000: ['Number of parameters does not match the expected number of params', null,
    { en: 'The number of values does not match the number of variables in the template.', es: 'El número de valores no coincide con el número de variables de la plantilla.' },
    FIX_TEMPLATE_VALUES],
  132001: ['Template does not exist', null,
    { en: 'The template does not exist in that language, or is not approved.', es: 'La plantilla no existe en ese idioma o no está aprobada.' },
    { en: 'Sync templates and choose an approved one in the right language.', es: 'Sincroniza las plantillas y elige una aprobada en el idioma correcto.' }],
  132005: ['Translated text too long', null,
    { en: 'The template text with its values filled in is too long.', es: 'El texto de la plantilla con los valores rellenados es demasiado largo.' },
    { en: 'Use shorter values.', es: 'Usa valores más cortos.' }],
  132007: ['Format character policy violated', null,
    { en: 'The template content breaks WhatsApp\'s formatting policy.', es: 'El contenido de la plantilla incumple la política de formato de WhatsApp.' },
    FIX_TEMPLATE_VALUES],
  132012: ['Parameter format does not match format in the created template', null,
    { en: 'The values do not match the template\'s format (named or numbered variables, or the header type).', es: 'Los valores no coinciden con el formato de la plantilla (variables con nombre o numeradas, o el tipo de cabecera).' },
    FIX_TEMPLATE_VALUES],
  132015: ['Template is paused', null,
    { en: 'The template is paused because of low quality.', es: 'La plantilla está en pausa por baja calidad.' },
    { en: 'Wait until it is unpaused (3 or 6 hours) or use another template; improve its content to avoid more pauses.', es: 'Espera a que se reanude (3 o 6 horas) o usa otra plantilla; mejora su contenido para evitar más pausas.' }],
  132016: ['Template is disabled', null,
    { en: 'The template was disabled after being paused too often.', es: 'La plantilla fue desactivada tras pausarse demasiadas veces.' },
    { en: 'Create a new template with different content.', es: 'Crea una plantilla nueva con otro contenido.' }],
  132018: ['There was an issue with the parameters in your template', null,
    { en: 'A template value is not valid (for example empty, or with line breaks, tabs or many spaces).', es: 'Un valor de la plantilla no es válido (por ejemplo vacío, o con saltos de línea, tabuladores o muchos espacios).' },
    FIX_TEMPLATE_VALUES],
  132068: ['Flow is in blocked state', null,
    { en: 'The Flow in this message is blocked.', es: 'El Flow de este mensaje está bloqueado.' },
    { en: 'Fix or replace the Flow in WhatsApp Manager.', es: 'Corrige o sustituye el Flow en WhatsApp Manager.' }],
  132069: ['Flow is in throttled state', { kind: 'exponential', baseMs: 10 * 60_000, maxMs: 60 * 60_000, minMs: 5 * 60_000 },
    { en: 'The Flow was sent too often (10 messages in the last hour).', es: 'El Flow se envió demasiadas veces (10 mensajes en la última hora).' },
    RETRY_LATER],
  133000: ['Incomplete deregistration', null,
    { en: 'A previous deregistration of this number did not finish.', es: 'Una baja anterior de este número no terminó.' },
    { en: 'Deregister the number again, then register it.', es: 'Vuelve a dar de baja el número y luego regístralo.' }],
  133004: ['Server temporarily unavailable', SERVER,
    { en: 'The WhatsApp server is temporarily unavailable.', es: 'El servidor de WhatsApp no está disponible temporalmente.' },
    RETRY_LATER],
  133005: ['Two step verification PIN mismatch', null,
    { en: 'The two-step verification PIN is wrong.', es: 'El PIN de verificación en dos pasos es incorrecto.' },
    { en: 'Enter the correct PIN, or reset it in WhatsApp Manager.', es: 'Introduce el PIN correcto o restablécelo en WhatsApp Manager.' }],
  133006: ['Phone number re-verification needed', null,
    { en: 'The number must be verified again before it can be registered.', es: 'El número debe verificarse de nuevo antes de registrarlo.' },
    { en: 'Request a verification code and verify the number.', es: 'Solicita un código de verificación y verifica el número.' }],
  133008: ['Too many two step verification PIN guesses', null,
    { en: 'Too many wrong PIN attempts for this number.', es: 'Demasiados intentos de PIN erróneos para este número.' },
    { en: 'Wait for the time Meta indicates before trying again.', es: 'Espera el tiempo que indique Meta antes de volver a intentarlo.' }],
  133009: ['Two step verification PIN guessed too fast', null,
    { en: 'PIN attempts were made too quickly.', es: 'Los intentos de PIN se hicieron demasiado rápido.' },
    { en: 'Wait a moment and try again.', es: 'Espera un momento y vuelve a intentarlo.' }],
  133010: ['Phone number not registered', null,
    { en: 'The phone number is not registered on the WhatsApp Business Platform.', es: 'El número no está registrado en la plataforma de WhatsApp Business.' },
    { en: 'Register the number from Settings.', es: 'Registra el número desde Ajustes.' }],
  133015: ['Please wait a few minutes before attempting to register this phone number', null,
    { en: 'The number was deleted recently and cannot be registered yet.', es: 'El número se eliminó hace poco y aún no se puede registrar.' },
    { en: 'Wait about 5 minutes and try again.', es: 'Espera unos 5 minutos y vuelve a intentarlo.' }],
  133016: ['Account register deregister rate limit exceeded', null,
    { en: 'The number was registered or deregistered too many times (10 per 72 hours).', es: 'El número se registró o dio de baja demasiadas veces (10 cada 72 horas).' },
    { en: 'Wait until the 72-hour period allows it again.', es: 'Espera a que el periodo de 72 horas lo permita de nuevo.' }],
  134011: ['WhatsApp Payments terms of service not accepted', null,
    { en: 'The WhatsApp Payments terms of service have not been accepted.', es: 'No se han aceptado las condiciones de WhatsApp Payments.' },
    NO_RETRY_FIX_SETUP],
  135000: ['Generic user error', null,
    { en: 'WhatsApp rejected the request with a generic error.', es: 'WhatsApp rechazó la petición con un error genérico.' },
    FIX_MESSAGE],
  137000: ['Identity key hash mismatch', null,
    { en: 'The customer\'s identity changed (for example, a new phone or reinstall), so the message was not delivered.', es: 'La identidad del cliente cambió (por ejemplo, teléfono nuevo o reinstalación), así que el mensaje no se entregó.' },
    { en: 'Confirm the change with the customer, then send again.', es: 'Confirma el cambio con el cliente y vuelve a enviarlo.' }],
};

// Template-creation errors (spec §2.2 last row): none is retryable, all are fixed by editing the template.
const TEMPLATE_CREATION: Record<number, [string, Words]> = {
  2388019: ['Template count limit reached', { en: 'The account has reached its maximum number of templates.', es: 'La cuenta alcanzó el número máximo de plantillas.' }],
  2388040: ['Field too long', { en: 'A template field is longer than allowed.', es: 'Un campo de la plantilla es más largo de lo permitido.' }],
  2388047: ['Bad header format', { en: 'The template header format is not valid.', es: 'El formato de la cabecera de la plantilla no es válido.' }],
  2388072: ['Bad body format', { en: 'The template body format is not valid.', es: 'El formato del cuerpo de la plantilla no es válido.' }],
  2388073: ['Bad footer format', { en: 'The template footer format is not valid.', es: 'El formato del pie de la plantilla no es válido.' }],
  2388293: ['Too many variables for the length', { en: 'The template has too many variables for the length of its text.', es: 'La plantilla tiene demasiadas variables para la longitud de su texto.' }],
  2388299: ['Leading or trailing variable', { en: 'A variable is at the very start or end of the template text.', es: 'Hay una variable al principio o al final del texto de la plantilla.' }],
};

/** Codes this module explains (spec §2.2); 200–299 share one entry. */
export const KNOWN_ERROR_CODES: readonly number[] = [
  ...Object.keys(TABLE).map(Number),
  ...Object.keys(TEMPLATE_CREATION).map(Number),
];

const NETWORK: ErrorInfo = {
  code: -1,
  title: 'Network error',
  retryable: true,
  backoff: SERVER,
  explanation: { en: 'Charla could not reach WhatsApp (network problem or timeout).', es: 'Charla no pudo contactar con WhatsApp (problema de red o tiempo de espera agotado).' },
  advice: RETRY_LATER,
};

export interface ErrorInput {
  code?: number | null;
  httpStatus?: number | null;
  /** No HTTP answer at all: connection refused/reset, DNS, timeout. */
  network?: boolean;
  /** Meta's title, used for codes this table does not know. */
  title?: string;
}

/** Everything known about an error. Unknown codes: retryable only when the HTTP status is 5xx. */
export function explainError(input: ErrorInput): ErrorInfo {
  if (input.network && input.code == null) return NETWORK;
  const code = input.code ?? null;
  if (code !== null) {
    const row = TABLE[code] ?? (code >= 200 && code <= 299 ? TABLE[200] : undefined);
    if (row) {
      const [title, backoff, explanation, advice] = row;
      return { code, title, retryable: backoff !== null, backoff, explanation, advice };
    }
    const tc = TEMPLATE_CREATION[code];
    if (tc) {
      return {
        code, title: tc[0], retryable: false, backoff: null, explanation: tc[1],
        advice: { en: 'Edit the template and submit it again.', es: 'Edita la plantilla y vuelve a enviarla a revisión.' },
      };
    }
  }
  const server = (input.httpStatus ?? 0) >= 500;
  return {
    code: code ?? 0,
    title: input.title ?? (server ? 'Server error' : 'Unknown error'),
    retryable: server,
    backoff: server ? SERVER : null,
    explanation: server
      ? { en: `WhatsApp answered with a server error (HTTP ${input.httpStatus}).`, es: `WhatsApp respondió con un error del servidor (HTTP ${input.httpStatus}).` }
      : {
          en: `WhatsApp rejected the message${code !== null ? ` with error ${code}` : ''}${input.title ? `: ${input.title}` : ''}.`,
          es: `WhatsApp rechazó el mensaje${code !== null ? ` con el error ${code}` : ''}${input.title ? `: ${input.title}` : ''}.`,
        },
    advice: server ? RETRY_LATER : FIX_MESSAGE,
  };
}

/**
 * Delay before retry number `attempt` (0 = first retry), or null when the error is not retryable.
 * `random` in [0, 1) is injected so the rule stays pure (pass Math.random() at the edge).
 */
export function retryDelayMs(info: Pick<ErrorInfo, 'backoff'>, attempt: number, random: number): number | null {
  const b = info.backoff;
  if (b === null) return null;
  const a = Math.max(0, Math.floor(attempt));
  const r = Math.min(Math.max(random, 0), 1);
  switch (b.kind) {
    case 'pair_rate':
      return 4 ** Math.min(a, b.maxExponent) * 1000;
    case 'fixed':
      return b.ms + Math.floor(r * b.jitterMs);
    case 'exponential': {
      const cap = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(a, 30));
      return Math.max(b.minMs, Math.floor(r * cap));
    }
  }
}
