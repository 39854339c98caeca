using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ObjectStore.Client.Http;

/// <summary>The four Polly pipelines (retried or not × timed or not), built once per options: DI shares them across typed-client instances.</summary>
internal sealed class ResiliencePipelines(ObjectStoreClientOptions options)
{
    // Index = (retried ? 2 : 0) + (timed ? 1 : 0).
    private readonly ResiliencePipeline<HttpResponseMessage>[] _pipelines =
        [Build(options, false, false), Build(options, false, true), Build(options, true, false), Build(options, true, true)];

    public ResiliencePipeline<HttpResponseMessage> For(Attempt attempt, bool timed) => _pipelines[(attempt == Attempt.Retried ? 2 : 0) + (timed ? 1 : 0)];

    private static ResiliencePipeline<HttpResponseMessage> Build(ObjectStoreClientOptions options, bool retried, bool timed)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (retried && options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = static args =>
                {
                    // The discarded answer's connection goes back to the pool only once its response is disposed.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }
        if (timed && options.RequestTimeout != Timeout.InfiniteTimeSpan) builder.AddTimeout(options.RequestTimeout);
        return builder.Build();
    }

    /// <summary>
    /// 429 and 503 are the server's "not now" (admission and concurrency limits, the web gate), sent before any work;
    /// connection failures and timeouts leave the outcome unknown, which only an idempotent operation may repeat.
    /// </summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException or TimeoutException
        || outcome.Result?.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
}

/// <summary>How a request may be attempted: retried only when the operation is idempotent, timed only when its body is in memory.</summary>
internal enum Attempt
{
    /// <summary>One attempt (non-idempotent: POST with a generated key, multipart initiate).</summary>
    Once,

    /// <summary>Retried after 429, 503, a connection error or a timeout.</summary>
    Retried,
}
