export * from "./anthropic-messages.js";
export * from "./fake-http-server.js";
export * from "./google-gemini.js";
export * from "./openai-chat-completions.js";
export * from "./openai-responses.js";
