package dev.warden.workers.llm;

/** One message of a conversation: role ("system", "user", "assistant") and content. */
public record ChatMessage(String role, String content) {}
