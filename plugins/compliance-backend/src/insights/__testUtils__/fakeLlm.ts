import { delay, http, HttpResponse } from 'msw';

/*
 * msw fakes of the OpenAI chat-completions and Anthropic messages APIs, in
 * the shapes the real APIs answer, for the tests and `yarn bench:insights`.
 */

/** Packed data as the prompt carries it (see `packInput`). */
interface PackedData {
  facts: Array<{ id: string; value: unknown }>;
  controls: Array<{
    id: string;
    title: string;
    status: string;
    severity: string;
    expectedScoreGain: number;
  }>;
}

/** Reads the data block of a prompt. */
export function dataOf(user: string): PackedData {
  const start = user.indexOf('<data>') + '<data>'.length;
  const end = user.lastIndexOf('</data>');
  return JSON.parse(user.slice(start, end));
}

const RISKY = ['fail', 'warn', 'unknown'];

/**
 * A deterministic stand-in for a good model: reads only the structure of
 * the data (statuses, ids, numbers), never its free text.
 */
export function goodAnswer(data: PackedData) {
  const fact = (id: string) => data.facts.find(f => f.id === id)?.value;
  const risky = data.controls.filter(c => RISKY.includes(c.status));
  const failing = risky.filter(c => c.status === 'fail').length;
  const flaky = fact('ci.flakyRatePercent');
  const delta = fact('trend.scoreDelta');
  return {
    summary: {
      text: `The score is ${fact('score.total')} and ${failing} controls fail.`,
      cites: ['score.total', 'results.fail'],
    },
    risks: risky.slice(0, 3).map(c => ({
      text: `${c.title} is ${c.status}.`,
      controlId: c.id,
      cites: [c.id],
    })),
    steps: [...risky]
      .sort((a, b) => b.expectedScoreGain - a.expectedScoreGain)
      .slice(0, 4)
      .map(c => ({
        text: `Address ${c.title}.`,
        controlId: c.id,
        cites: [c.id],
      })),
    ciCauses:
      typeof flaky === 'number' && flaky > 0
        ? [
            {
              text: `Flaky runs (${flaky}%) point to unstable tests.`,
              cites: ['ci.flakyRatePercent'],
            },
          ]
        : [],
    trend: {
      text:
        typeof delta === 'number'
          ? `The score moved by ${delta} points.`
          : 'No trend yet.',
      cites: ['trend.scoreDelta'],
    },
  };
}

/** A scripted reply of a fake API. */
export type FakeReply =
  | { kind: 'answer'; body?: (data: PackedData) => unknown; text?: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'server_error' }
  | { kind: 'overloaded' }
  | { kind: 'timeout'; ms: number }
  | { kind: 'unauthorized' }
  | { kind: 'quota' }
  | { kind: 'context_length' }
  | { kind: 'truncated' }
  /** The server is gone: the connection fails (a killed local server). */
  | { kind: 'down' };

/** Counts of requests per fake, for the tests and the bench. */
export interface FakeCounters {
  openai: number;
  anthropic: number;
}

const usageOf = (prompt: string, out: string) => ({
  input: Math.ceil(prompt.length / 4),
  output: Math.ceil(out.length / 4),
});

/** OpenAI-compatible chat completions at `${baseUrl}/chat/completions`. */
export function openAiHandler(
  baseUrl: string,
  script: (data: PackedData, call: number) => FakeReply,
  counters: FakeCounters,
) {
  return http.post(`${baseUrl}/chat/completions`, async ({ request }) => {
    counters.openai += 1;
    const call = counters.openai;
    const body = (await request.json()) as {
      model: string;
      messages: Array<{ role: string; content: string }>;
    };
    const user = body.messages.find(m => m.role === 'user')!.content;
    const reply = script(dataOf(user), call);
    if (reply.kind === 'down') return HttpResponse.error();
    const requestId = { 'x-request-id': `req_${call}` };
    const error = (
      status: number,
      err: { message: string; type: string; code: string | null },
      headers: Record<string, string> = {},
    ) =>
      HttpResponse.json(
        { error: { ...err, param: null } },
        { status, headers: { ...requestId, ...headers } },
      );
    switch (reply.kind) {
      case 'rate_limited':
        return error(
          429,
          {
            message: `Rate limit reached for ${body.model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${reply.retryAfterSeconds}s.`,
            type: 'requests',
            code: 'rate_limit_exceeded',
          },
          { 'retry-after': String(reply.retryAfterSeconds) },
        );
      case 'quota':
        return error(429, {
          message:
            'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        });
      case 'unauthorized':
        return error(401, {
          message: 'Incorrect API key provided: sk-fake***************1234.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        });
      case 'context_length':
        return error(400, {
          message:
            "This model's maximum context length is 8192 tokens. However, your messages resulted in 9100 tokens.",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        });
      case 'server_error':
      case 'overloaded':
        return error(reply.kind === 'overloaded' ? 503 : 500, {
          message: 'The server had an error while processing your request.',
          type: 'server_error',
          code: null,
        });
      case 'timeout':
        await delay(reply.ms);
        return HttpResponse.json({}, { status: 504 });
      default:
        break;
    }
    const text =
      reply.kind === 'answer'
        ? reply.text ?? JSON.stringify((reply.body ?? goodAnswer)(dataOf(user)))
        : '{"summary": {"text": "The score is';
    const usage = usageOf(user, text);
    return HttpResponse.json(
      {
        id: `chatcmpl-${call}`,
        object: 'chat.completion',
        created: 1764547200,
        model: `${body.model}-2026-01-01`,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            logprobs: null,
            finish_reason: reply.kind === 'truncated' ? 'length' : 'stop',
          },
        ],
        usage: {
          prompt_tokens: usage.input,
          completion_tokens: usage.output,
          total_tokens: usage.input + usage.output,
        },
        system_fingerprint: 'fp_fake',
      },
      { headers: requestId },
    );
  });
}

/** Anthropic messages at `${baseUrl}/v1/messages`. */
export function anthropicHandler(
  baseUrl: string,
  script: (data: PackedData, call: number) => FakeReply,
  counters: FakeCounters,
) {
  return http.post(`${baseUrl}/v1/messages`, async ({ request }) => {
    counters.anthropic += 1;
    const call = counters.anthropic;
    const body = (await request.json()) as {
      model: string;
      messages: Array<{ role: string; content: string }>;
    };
    const user = body.messages[0].content;
    const reply = script(dataOf(user), call);
    if (reply.kind === 'down') return HttpResponse.error();
    const requestId = `req_fake${call}`;
    const error = (
      status: number,
      type: string,
      message: string,
      headers: Record<string, string> = {},
    ) =>
      HttpResponse.json(
        { type: 'error', error: { type, message }, request_id: requestId },
        { status, headers: { 'request-id': requestId, ...headers } },
      );
    switch (reply.kind) {
      case 'rate_limited':
        return error(
          429,
          'rate_limit_error',
          'This request would exceed the rate limit for your organization of 50 requests per minute.',
          { 'retry-after': String(reply.retryAfterSeconds) },
        );
      case 'overloaded':
        return error(529, 'overloaded_error', 'Overloaded');
      case 'server_error':
        return error(500, 'api_error', 'Internal server error');
      case 'unauthorized':
        return error(401, 'authentication_error', 'invalid x-api-key');
      case 'quota':
        return error(
          400,
          'invalid_request_error',
          'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        );
      case 'context_length':
        return error(
          400,
          'invalid_request_error',
          'prompt is too long: 215000 tokens > 200000 maximum',
        );
      case 'timeout':
        await delay(reply.ms);
        return error(504, 'timeout_error', 'Request timeout');
      default:
        break;
    }
    const text =
      reply.kind === 'answer'
        ? reply.text ?? JSON.stringify((reply.body ?? goodAnswer)(dataOf(user)))
        : '{"summary": {"text": "The score';
    const usage = usageOf(user, text);
    return HttpResponse.json(
      {
        id: `msg_fake${call}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text }],
        stop_reason: reply.kind === 'truncated' ? 'max_tokens' : 'end_turn',
        stop_sequence: null,
        usage: {
          input_tokens: usage.input,
          output_tokens: usage.output,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
      { headers: { 'request-id': requestId } },
    );
  });
}
