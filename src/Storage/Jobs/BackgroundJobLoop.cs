using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ObjectStore.Storage.Jobs;

/// <summary>
/// The owned, stoppable loop that runs background work (LT cleanup after tiered mutations).
/// <list type="number">
/// <item><see cref="EnqueueAsync"/> puts a job in a bounded queue of <see cref="BackgroundJobOptions.QueueCapacity"/>.
/// When the queue is full the caller awaits space (cancellable), so memory stays bounded and a burst of
/// cleanups slows its producers instead of growing without limit. Once stopping, it returns false at once:
/// the job is not run, and whatever it was meant to do is redone by change-log recovery.</item>
/// <item><see cref="BackgroundJobOptions.MaxInFlight"/> workers take jobs in order. A job runs until it
/// succeeds: a failure is logged and retried after 100 ms × 1.5ⁿ, capped at 30 s (delays on the injected
/// <see cref="TimeProvider"/>). A running job is never dropped while the loop lives.</item>
/// <item><see cref="StopAsync"/> is graceful: no new jobs, workers drain the queue. When the deadline passes or
/// the caller cancels (the second, impatient signal), the stop turns forced: running jobs see their token
/// cancelled, queued jobs are dropped and counted in <see cref="Dropped"/>. Dropped jobs are safe to lose
/// because every one of them is backed by a durable change-log entry.</item>
/// <item><see cref="JoinAsync"/> waits until nothing is queued or running.</item>
/// </list>
/// </summary>
public sealed class BackgroundJobLoop : IAsyncDisposable
{
    private readonly BackgroundJobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<QueuedJob> _queue;
    private readonly CancellationTokenSource _forced = new();
    private readonly Task[] _workers;
    private readonly Lock _gate = new();
    private int _outstanding;
    private long _dropped;
    private TaskCompletionSource? _idle;

    /// <summary>Starts the workers.</summary>
    public BackgroundJobLoop(BackgroundJobOptions? options = null, TimeProvider? time = null, ILogger<BackgroundJobLoop>? logger = null)
    {
        _options = options ?? new BackgroundJobOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<BackgroundJobLoop>.Instance;
        _queue = Channel.CreateBounded<QueuedJob>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        _workers = new Task[_options.MaxInFlight];
        for (var i = 0; i < _workers.Length; i++) _workers[i] = Task.Run(WorkAsync);
    }

    /// <summary>Jobs queued or running.</summary>
    public int Outstanding
    {
        get { lock (_gate) return _outstanding; }
    }

    /// <summary>Jobs dropped by a forced stop (queued, or running when forced).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True once a stop began; further jobs are refused.</summary>
    public bool IsStopping { get; private set; }

    /// <summary>
    /// Queues <paramref name="job"/>, awaiting space while the queue is full. Returns false (job not run)
    /// when the loop is stopping. <paramref name="name"/> names the job in logs.
    /// </summary>
    public async ValueTask<bool> EnqueueAsync(string name, Func<CancellationToken, Task> job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        AddOutstanding();
        try
        {
            await _queue.Writer.WriteAsync(new QueuedJob(name, job), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            RemoveOutstanding();
            return false;
        }
        catch
        {
            RemoveOutstanding();
            throw;
        }
    }

    /// <summary>Completes when no job is queued or running (or throws when cancelled).</summary>
    public Task JoinAsync(CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            if (_outstanding == 0) return Task.CompletedTask;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }
        return idle.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Graceful stop: refuses new jobs and drains the queue within <see cref="BackgroundJobOptions.ShutdownDeadline"/>;
    /// past it, or when <paramref name="cancellationToken"/> fires, the stop turns forced and drops the rest.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IsStopping = true;
        _queue.Writer.TryComplete();
        using var deadline = new CancellationTokenSource(_options.ShutdownDeadline, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await Task.WhenAll(_workers).WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Background job loop did not drain in time; forcing stop with {Outstanding} jobs outstanding", Outstanding);
            ForceStop();
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        DropQueued();
    }

    /// <summary>Forced stop (a crash, or a deadline passed): running jobs are cancelled and queued ones dropped.</summary>
    public void ForceStop()
    {
        IsStopping = true;
        _queue.Writer.TryComplete();
        _forced.Cancel();
        DropQueued();
    }

    /// <summary>Graceful stop with the configured deadline. (The forced-stop source holds no timer, so it is left undisposed and <see cref="ForceStop"/> stays safe to call.)</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task WorkAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_forced.Token).ConfigureAwait(false))
            {
                while (!_forced.IsCancellationRequested && _queue.Reader.TryRead(out var job))
                {
                    await RunUntilDoneAsync(job).ConfigureAwait(false);
                    RemoveOutstanding();
                }
            }
        }
        catch (OperationCanceledException) when (_forced.IsCancellationRequested)
        {
            // Forced stop: the queue is dropped by the stopper.
        }
    }

    private async Task RunUntilDoneAsync(QueuedJob job)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                await job.Run(_forced.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!_forced.IsCancellationRequested)
            {
                var delay = _options.BackoffAfter(failures);
                // The stack trace once per job: during an outage every job retries for as long as it lasts.
                if (failures == 1) _logger.LogWarning(e, "Background job {Job} failed (attempt {Attempt}); retrying in {Delay}", job.Name, failures, delay);
                else _logger.LogWarning("Background job {Job} failed again (attempt {Attempt}): {Error}; retrying in {Delay}", job.Name, failures, e.Message, delay);
            }
            catch (Exception)
            {
                break;
            }
            try
            {
                await Task.Delay(_options.BackoffAfter(failures), _time, _forced.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Interlocked.Increment(ref _dropped);
        _logger.LogWarning("Background job {Job} dropped by a forced stop; change-log recovery redoes it", job.Name);
    }

    private void DropQueued()
    {
        while (_queue.Reader.TryRead(out var job))
        {
            Interlocked.Increment(ref _dropped);
            _logger.LogWarning("Background job {Job} dropped by a forced stop; change-log recovery redoes it", job.Name);
            RemoveOutstanding();
        }
    }

    private void AddOutstanding()
    {
        lock (_gate) _outstanding++;
    }

    private void RemoveOutstanding()
    {
        lock (_gate)
        {
            if (--_outstanding > 0 || _idle is null) return;
            _idle.TrySetResult();
            _idle = null;
        }
    }

    private readonly record struct QueuedJob(string Name, Func<CancellationToken, Task> Run);
}
