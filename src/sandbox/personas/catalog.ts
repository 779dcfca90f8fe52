/** Raw material for simulated customers: names, markets and things people write. */
export interface Market {
  country: string;
  lang: 'es' | 'en' | 'pt';
  /** Builds a wa_id (digits, country code first) from random digits. */
  waId: (d: (n: number) => string) => string;
}

export const MARKETS: Market[] = [
  { country: 'ES', lang: 'es', waId: (d) => '346' + d(8) },
  { country: 'MX', lang: 'es', waId: (d) => '521' + ['55', '33', '81'][Number(d(1)) % 3] + d(8) },
  { country: 'AR', lang: 'es', waId: (d) => '5491' + '1' + d(8) },
  { country: 'CO', lang: 'es', waId: (d) => '573' + ['00', '10', '15', '20'][Number(d(1)) % 4] + d(7) },
  { country: 'BR', lang: 'pt', waId: (d) => '55' + ['11', '21', '31'][Number(d(1)) % 3] + '9' + d(8) },
  { country: 'US', lang: 'en', waId: (d) => '1' + ['212', '305', '415', '512'][Number(d(1)) % 4] + '2' + d(6) },
  { country: 'CL', lang: 'es', waId: (d) => '569' + d(8) },
  { country: 'PE', lang: 'es', waId: (d) => '519' + d(8) },
  { country: 'GB', lang: 'en', waId: (d) => '447' + '7' + d(8) },
];

export const FIRST_NAMES = {
  es: ['Lucía', 'Martín', 'Sofía', 'Mateo', 'Valentina', 'Santiago', 'Camila', 'Diego', 'María José',
    'Alejandro', 'Ximena', 'Joaquín', 'Paula', 'Andrés', 'Daniela', 'Javier', 'Carmen', 'Nicolás',
    'Agustina', 'Tomás', 'Renata', 'Sebastián', 'Inés', 'Álvaro'],
  en: ['Emily', 'James', 'Olivia', 'Liam', 'Ava', 'Noah', 'Sophia', 'Ethan', 'Grace', 'Lucas',
    'Chloe', 'Henry', 'Harper', 'Jack'],
  pt: ['João', 'Ana', 'Gabriel', 'Beatriz', 'Rafael', 'Larissa', 'Felipe', 'Júlia'],
} as const;

export const LAST_NAMES = {
  es: ['García', 'Fernández', 'López', 'Martínez', 'Rodríguez', 'Pérez', 'Gómez', 'Sánchez', 'Díaz',
    'Ramírez', 'Torres', 'Muñoz', 'Castro', 'Ortiz', 'Núñez', 'Vargas'],
  en: ['Smith', 'Johnson', 'Brown', 'Taylor', 'Miller', 'Davis', 'Wilson', 'Clark', 'Walker'],
  pt: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Pereira'],
} as const;

export const FIRST_MESSAGES = {
  es: ['Hola, ¿tienen disponible el modelo que vi en la web?', 'Buenas tardes, quería consultar por mi pedido',
    'Hola! Cuánto cuesta el envío a mi ciudad?', '¿A qué hora abren mañana?', 'Hola, necesito cambiar la dirección de entrega',
    'Buenos días, me llegó el producto dañado 😕', 'Quiero hacer una reserva para el sábado', 'Hola, ¿aceptan pago con tarjeta?',
    '¿Me pueden enviar la factura de mi última compra?', 'Hola 👋 quería info sobre la promoción'],
  en: ['Hi, is the item from your website still available?', 'Hello, where is my order?', 'How much is shipping to Austin?',
    'What time do you open tomorrow?', 'Hi! I need to change my delivery address', 'My package arrived damaged 😕',
    'Can I book a table for Saturday?', 'Do you accept credit cards?'],
  pt: ['Olá, vocês têm esse produto disponível?', 'Oi, onde está meu pedido?', 'Quanto custa o frete para São Paulo?'],
} as const;

export const REPLIES = {
  es: ['Perfecto, gracias', 'Ok, lo reviso y te aviso', '¿Y para cuándo estaría?', 'Genial 🙌', 'No entiendo, ¿me explicas?',
    'Sí, por favor', 'Mejor mañana', 'Gracias por la ayuda!'],
  en: ['Great, thanks', 'Ok, I will check and let you know', 'When would it arrive?', 'Awesome 🙌', 'Sorry, what do you mean?',
    'Yes please', 'Tomorrow works better', 'Thanks for your help!'],
  pt: ['Perfeito, obrigado', 'Ok, vou ver', 'Valeu! 🙌'],
} as const;

export const OPT_OUT_WORDS = { es: 'BAJA', en: 'STOP', pt: 'PARAR' } as const;
