import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  InsightProviderError,
  type InsightGenerationRequest,
  type InsightGenerationResult,
  type InsightProvider,
} from 'backstage-plugin-compliance-node';
import { classifyProviderError } from './failover';

/** Settings of a built-in provider (see `compliance.insights.providers`). */
export interface BuiltinProviderSettings {
  id: string;
  model: string;
  baseUrl?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  /** Request timeout in milliseconds. */
  timeoutMs: number;
  /**
   * For OpenAI-compatible servers: `json_schema` (strict structured output,
   * the default), `json_object` (JSON mode) or `none` (prompt only).
   */
  responseFormat?: 'json_schema' | 'json_object' | 'none';
  /** Injected by tests and the bench; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI v1,
 * Ollama, vLLM, LM Studio) through the official `openai` SDK. SDK retries
 * are off: the job queue owns retries.
 */
export class OpenAiInsightProvider implements InsightProvider {
  readonly id: string;
  readonly model: string;
  readonly #client: OpenAI;
  readonly #responseFormat: BuiltinProviderSettings['responseFormat'];

  constructor(settings: BuiltinProviderSettings) {
    this.id = settings.id;
    this.model = settings.model;
    this.#responseFormat = settings.responseFormat ?? 'json_schema';
    this.#client = new OpenAI({
      // Local servers (Ollama, vLLM) accept any key; the SDK requires one.
      apiKey: settings.apiKey || 'no-key-required',
      ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
      ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
      maxRetries: 0,
      timeout: settings.timeoutMs,
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
  }

  async generate(
    request: InsightGenerationRequest,
  ): Promise<InsightGenerationResult> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.#client.chat.completions.create(
        {
          model: this.model,
          temperature: 0,
          max_tokens: request.maxOutputTokens,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          ...(this.#responseFormat === 'json_schema'
            ? {
                response_format: {
                  type: 'json_schema' as const,
                  json_schema: {
                    name: request.schemaName,
                    schema: request.jsonSchema,
                    strict: true,
                  },
                },
              }
            : {}),
          ...(this.#responseFormat === 'json_object'
            ? { response_format: { type: 'json_object' as const } }
            : {}),
        },
        request.signal ? { signal: request.signal } : undefined,
      );
    } catch (error) {
      throw classifyProviderError(this.id, error);
    }
    const usage = {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    };
    const choice = completion.choices?.[0];
    const text = choice?.message?.content ?? '';
    if (choice?.finish_reason === 'length' || !text) {
      throw new InsightProviderError({
        kind: 'invalid_output',
        usage,
        message: `${this.id}: ${
          choice?.finish_reason === 'length'
            ? 'answer truncated at the output token limit'
            : 'empty answer or refusal'
        }`,
      });
    }
    return { text, usage, model: completion.model ?? this.model };
  }
}

/**
 * Anthropic's messages API through the official SDK, SDK retries off.
 * The answer schema is in the prompt; the answer is validated locally.
 */
export class AnthropicInsightProvider implements InsightProvider {
  readonly id: string;
  readonly model: string;
  readonly #client: Anthropic;

  constructor(settings: BuiltinProviderSettings) {
    this.id = settings.id;
    this.model = settings.model;
    this.#client = new Anthropic({
      apiKey: settings.apiKey ?? null,
      ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
      ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
      maxRetries: 0,
      timeout: settings.timeoutMs,
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
  }

  async generate(
    request: InsightGenerationRequest,
  ): Promise<InsightGenerationResult> {
    let message: Anthropic.Messages.Message;
    try {
      message = await this.#client.messages.create(
        {
          model: this.model,
          max_tokens: request.maxOutputTokens,
          system: `${
            request.system
          }\n\nThe JSON schema of the answer:\n${JSON.stringify(
            request.jsonSchema,
          )}`,
          messages: [{ role: 'user', content: request.user }],
        },
        request.signal ? { signal: request.signal } : undefined,
      );
    } catch (error) {
      throw classifyProviderError(this.id, error);
    }
    const usage = {
      inputTokens: message.usage?.input_tokens ?? 0,
      outputTokens: message.usage?.output_tokens ?? 0,
    };
    const text = (message.content ?? [])
      .map(block => (block.type === 'text' ? block.text : ''))
      .join('');
    if (message.stop_reason === 'max_tokens' || !text) {
      throw new InsightProviderError({
        kind: 'invalid_output',
        usage,
        message: `${this.id}: ${
          message.stop_reason === 'max_tokens'
            ? 'answer truncated at the output token limit'
            : 'empty answer'
        }`,
      });
    }
    return { text, usage, model: message.model ?? this.model };
  }
}
