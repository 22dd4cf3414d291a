import { type ChatMessage, IMAGE_TOKEN } from '@guinav/data-gen';

/** OpenAI chat-completions content parts (what vLLM's OpenAI server also accepts). */
export type OpenAiContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface OpenAiMessage {
  role: ChatMessage['role'];
  content: string | OpenAiContentPart[];
}

/**
 * ms-swift prompts mark the image with `<image>` inside the text; the chat-completions API takes
 * the image as its own content part instead, and the server's chat template puts the vision
 * tokens where that part sits. So each `<image>` becomes an `image_url` part at the same place
 * and the text around it becomes text parts (`<image>Instruction: ...` -> [image, text]).
 * Messages without the placeholder stay plain strings. `images` are data URLs, in order.
 */
export function toOpenAiMessages(messages: readonly ChatMessage[], images: readonly string[]): OpenAiMessage[] {
  let used = 0;
  const out = messages.map((message): OpenAiMessage => {
    if (!message.content.includes(IMAGE_TOKEN)) return { role: message.role, content: message.content };
    const parts: OpenAiContentPart[] = [];
    message.content.split(IMAGE_TOKEN).forEach((text, i) => {
      if (i > 0) {
        const url = images[used++];
        if (url === undefined) {
          throw new Error(`the prompt has more ${IMAGE_TOKEN} placeholders than images (${images.length})`);
        }
        parts.push({ type: 'image_url', image_url: { url } });
      }
      if (text) parts.push({ type: 'text', text });
    });
    return { role: message.role, content: parts };
  });
  if (used !== images.length) {
    throw new Error(`${images.length} image(s) given but the prompt has ${used} ${IMAGE_TOKEN} placeholder(s)`);
  }
  return out;
}

export function dataUrl(mimeType: string, bytes: Uint8Array): string {
  return `data:${mimeType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
