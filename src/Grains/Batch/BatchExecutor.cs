using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Grains.Concurrency;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// The streaming batch executor (the reference's StreamExecutor, api doc §16.4, with a window of its own). One batch:
/// 1. Start (first MoveNextAsync): window = <c>ceil(free permits × <see cref="BatchExecutorOptions.WindowFraction"/>)</c>,
///    taken from the service limiter in ONE bulk reservation. Window 0 (no permit free, or others queued) →
///    <see cref="AtCapacityException"/> at once, before the input is touched.
/// 2. Pump: take a window slot, then pull the next input item (lazily, never ahead of a free slot). A pre-failed item
///    becomes its own result unchanged; an operation starts at once as its own task on the reserved permits (no further
///    per-operation permit). So at most <c>window</c> operations run at a time.
/// 3. Each operation is isolated: an exception fails that operation only, as a 500 result with its message (429 when
///    it was the operation's own permit that could not be had).
/// 4. Results are yielded in completion order, each with its original index. A slot is freed when its result is handed
///    to the caller, so running plus unread results never exceed the window: memory is bounded by the window even for a
///    slow reader.
/// 5. End: when the input is exhausted and every started operation finished, the reservation is returned, then the
///    results end. An input that throws ends the results with that exception after the started operations finished.
/// 6. Abandon (the caller disposes the enumerator early or its token fires): the pump stops pulling; operations already
///    started run to completion (their results are dropped) and the reservation is returned only when the last one
///    finished. Disposing does not wait for them. The input must honour the token it is enumerated with: the pump
///    counts as stopped only once its pending MoveNextAsync returned.
/// The window stays fixed for the batch's life: it already follows load, because each batch sizes it from the permits
/// free when it starts (a busy silo gives new batches small windows, an idle one large ones); resizing a running batch
/// would re-enter the limiter per operation, which is what the bulk reservation avoids.
/// </summary>
public sealed class BatchExecutor
{
    private readonly ServiceConcurrencyLimiter _limiter;
    private readonly BatchExecutorOptions _options;
    private readonly ILogger _logger;

    /// <summary>An executor taking its windows from <paramref name="limiter"/> (the silo's one).</summary>
    public BatchExecutor(ServiceConcurrencyLimiter limiter, BatchExecutorOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        _limiter = limiter;
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The window a batch starting now would get.</summary>
    public int CurrentWindow => ServiceConcurrencyLimiter.ShareOf(_limiter.Available, _options.WindowFraction);

    /// <summary>
    /// Runs one batch (see the class summary): results in completion order; <see cref="AtCapacityException"/> from the
    /// first MoveNextAsync when no window can be reserved.
    /// </summary>
    public async IAsyncEnumerable<BatchResult> ExecuteAsync(
        IAsyncEnumerable<BatchItem> input,
        IBatchOperationRunner runner,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(runner);
        var reservation = _limiter.TryReserveShare(_options.WindowFraction);
        if (reservation is null)
        {
            BatchMetrics.Rejected.Add(1);
            throw new AtCapacityException();
        }
        BatchMetrics.Windows.Record(reservation.Count);
        var run = new BatchRun(reservation, runner, _logger);
        run.Start(input);
        try
        {
            var results = run.Results;
            while (await results.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (results.TryRead(out var result))
                {
                    run.Delivered();
                    yield return result;
                }
            }
        }
        finally
        {
            run.Abandon();
        }
    }

    /// <summary>One batch in flight: its reservation, window slots, result queue and count of unfinished work.</summary>
    private sealed class BatchRun
    {
        private readonly PermitReservation _reservation;
        private readonly IBatchOperationRunner _runner;
        private readonly ILogger _logger;
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenSource _stop = new();
        private readonly Channel<BatchResult> _results = Channel.CreateUnbounded<BatchResult>(new UnboundedChannelOptions { SingleReader = true });
        private Exception? _inputError;

        // The pump plus every started operation; whoever brings it to 0 returns the reservation and ends the results.
        private int _unfinished = 1;

        public BatchRun(PermitReservation reservation, IBatchOperationRunner runner, ILogger logger)
        {
            _reservation = reservation;
            _runner = runner;
            _logger = logger;
            _slots = new SemaphoreSlim(reservation.Count, reservation.Count);
        }

        public ChannelReader<BatchResult> Results => _results.Reader;

        public void Start(IAsyncEnumerable<BatchItem> input) => _ = PumpAsync(input);

        public void Delivered() => _slots.Release();

        public void Abandon() => _stop.Cancel();

        private async Task PumpAsync(IAsyncEnumerable<BatchItem> input)
        {
            try
            {
                await using var items = input.GetAsyncEnumerator(_stop.Token);
                while (true)
                {
                    await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
                    if (!await items.MoveNextAsync().ConfigureAwait(false)) break;
                    var item = items.Current ?? throw new InvalidOperationException("A batch input yielded a null item.");
                    if (item.Operation is { } operation)
                    {
                        Interlocked.Increment(ref _unfinished);
                        _ = RunAsync(operation);
                    }
                    else
                    {
                        _results.Writer.TryWrite(item.Error!);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Abandoned: nobody reads any more.
            }
            catch (Exception e)
            {
                _inputError = e;
            }
            finally
            {
                Finish();
            }
        }

        private async Task RunAsync(BatchOperation operation)
        {
            BatchResult result;
            try
            {
                result = await _runner.RunAsync(operation).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The batch runner returned no result for operation {operation.Index}.");
            }
            catch (Exception e)
            {
                BatchMetrics.OperationFailures.Add(1);
                _logger.LogWarning(e, "Batch operation {Index} ({Kind}) on {Usecase} failed", operation.Index, operation.Kind, operation.Id.Usecase);
                result = FailureOf(operation, e);
            }
            _results.Writer.TryWrite(result);
            Finish();
        }

        // A permit the operation's grain could not get is the caller's 429 (api doc §7.3 step 6), whether it was
        // thrown here or on another silo (Orleans carries the exception's type across); anything else is the backend's 500.
        private static BatchResult FailureOf(BatchOperation operation, Exception error) => error switch
        {
            AtCapacityException => BatchResult.Failure(operation.Index, 429, AtCapacityException.Detail),
            _ => BatchResult.Failure(operation.Index, 500, error.Message),
        };

        private void Finish()
        {
            if (Interlocked.Decrement(ref _unfinished) != 0) return;
            // Permits first, so a caller that saw the results end finds them back in the limiter.
            _reservation.Dispose();
            _results.Writer.TryComplete(_inputError);
            // _stop and _slots own no timers or handles; they stay usable for a reader still draining the results.
        }
    }
}
