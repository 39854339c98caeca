using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Testing;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage.Tests.Jobs;

public sealed class BackgroundJobLoopTests : IAsyncDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly List<BackgroundJobLoop> _loops = [];

    private CancellationToken Ct => _timeout.Token;

    private BackgroundJobLoop Loop(BackgroundJobOptions? options = null, TimeProvider? time = null)
    {
        var loop = new BackgroundJobLoop(options, time);
        _loops.Add(loop);
        return loop;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _loops) loop.ForceStop();
        await Task.CompletedTask;
        _timeout.Dispose();
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken ct)
    {
        while (!condition()) await Task.Delay(1, ct);
    }

    [Fact]
    public void Backoff_starts_at_100_ms_grows_by_half_and_caps_at_30_s()
    {
        var options = new BackgroundJobOptions();
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.BackoffAfter(1));
        Assert.Equal(TimeSpan.FromMilliseconds(150), options.BackoffAfter(2));
        Assert.Equal(TimeSpan.FromMilliseconds(225), options.BackoffAfter(3));
        Assert.Equal(TimeSpan.FromSeconds(30), options.BackoffAfter(20));
        Assert.Equal(TimeSpan.FromSeconds(30), options.BackoffAfter(10_000));
    }

    [Fact]
    public async Task Failing_job_is_retried_after_growing_delays_on_the_injected_clock_until_it_succeeds()
    {
        var clock = new ManualTimeProvider();
        var loop = Loop(time: clock);
        var attempts = 0;
        await loop.EnqueueAsync("flaky", _ => ++attempts <= 3 ? throw new IOException("fail") : Task.CompletedTask, Ct);

        foreach (var expected in new[] { 100, 150, 225 })
        {
            await WaitUntil(() => clock.PendingDelays.Count == 1, Ct);
            Assert.Equal(TimeSpan.FromMilliseconds(expected), clock.PendingDelays[0]);
            clock.Advance(TimeSpan.FromMilliseconds(expected));
        }
        await loop.JoinAsync(Ct);
        Assert.Equal(4, attempts);
        Assert.Equal(0, loop.Outstanding);
    }

    [Fact]
    public async Task A_job_failing_through_an_outage_logs_its_stack_trace_once_then_one_line_per_retry()
    {
        var clock = new ManualTimeProvider();
        using var log = new CapturedLog();
        var loop = new BackgroundJobLoop(time: clock, logger: log.CreateLogger<BackgroundJobLoop>());
        _loops.Add(loop);
        var attempts = 0;
        await loop.EnqueueAsync("cleanup", _ => ++attempts <= 3 ? throw new IOException("S3 is away") : Task.CompletedTask, Ct);

        for (var retry = 0; retry < 3; retry++)
        {
            await WaitUntil(() => clock.PendingDelays.Count == 1, Ct);
            clock.Advance(clock.PendingDelays[0]);
        }
        await loop.JoinAsync(Ct);

        Assert.Equal(3, log.Entries.Count);
        Assert.IsType<IOException>(log.Entries[0].Exception);
        Assert.All(log.Entries.Skip(1), e => Assert.Null(e.Exception));
        Assert.Contains("failed again (attempt 3): S3 is away", log.Entries[2].Message);
    }

    [Fact]
    public async Task At_most_MaxInFlight_jobs_run_at_once()
    {
        var loop = Loop(new BackgroundJobOptions { MaxInFlight = 3 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, peak = 0, done = 0;
        for (var i = 0; i < 10; i++)
        {
            await loop.EnqueueAsync($"job {i}", async _ =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await gate.Task;
                Interlocked.Decrement(ref running);
                Interlocked.Increment(ref done);
            }, Ct);
        }
        await WaitUntil(() => Volatile.Read(ref running) == 3, Ct);
        Assert.Equal(10, loop.Outstanding);
        gate.SetResult();
        await loop.JoinAsync(Ct);
        Assert.Equal(3, peak);
        Assert.Equal(10, done);
    }

    [Fact]
    public async Task Enqueue_awaits_space_when_the_queue_is_full()
    {
        var loop = Loop(new BackgroundJobOptions { MaxInFlight = 1, QueueCapacity = 1 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await loop.EnqueueAsync("blocker", async _ => { started.SetResult(); await gate.Task; }, Ct);
        await started.Task.WaitAsync(Ct);
        await loop.EnqueueAsync("queued", _ => Task.CompletedTask, Ct);

        var third = loop.EnqueueAsync("waits for space", _ => Task.CompletedTask, Ct).AsTask();
        Assert.False(third.IsCompleted);
        gate.SetResult();
        Assert.True(await third);
        await loop.JoinAsync(Ct);
        Assert.Equal(0, loop.Outstanding);
    }

    [Fact]
    public async Task Graceful_stop_drains_queued_jobs_and_refuses_new_ones()
    {
        var loop = Loop(new BackgroundJobOptions { MaxInFlight = 1, ShutdownDeadline = TimeSpan.FromSeconds(20) });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = 0;
        for (var i = 0; i < 5; i++)
            await loop.EnqueueAsync($"job {i}", async _ => { await gate.Task; Interlocked.Increment(ref ran); }, Ct);

        var stop = loop.StopAsync(Ct);
        Assert.False(await loop.EnqueueAsync("late", _ => Task.CompletedTask, Ct));
        gate.SetResult();
        await stop;
        Assert.Equal(5, ran);
        Assert.Equal(0, loop.Dropped);
        Assert.Equal(0, loop.Outstanding);
    }

    [Fact]
    public async Task Graceful_stop_keeps_retrying_a_running_job_until_it_succeeds()
    {
        var loop = Loop(new BackgroundJobOptions { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5), ShutdownDeadline = TimeSpan.FromSeconds(20) });
        var attempts = 0;
        await loop.EnqueueAsync("flaky", _ => Interlocked.Increment(ref attempts) <= 5 ? throw new IOException("fail") : Task.CompletedTask, Ct);
        await loop.StopAsync(Ct);
        Assert.Equal(6, attempts);
        Assert.Equal(0, loop.Dropped);
    }

    [Fact]
    public async Task Forced_stop_cancels_the_running_job_and_drops_the_queue()
    {
        var loop = Loop(new BackgroundJobOptions { MaxInFlight = 1, ShutdownDeadline = TimeSpan.FromSeconds(20) });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queuedRan = false;
        await loop.EnqueueAsync("stuck", async ct => { started.SetResult(); await Task.Delay(Timeout.Infinite, ct); }, Ct);
        await loop.EnqueueAsync("queued", _ => { queuedRan = true; return Task.CompletedTask; }, Ct);
        await started.Task.WaitAsync(Ct);

        using var impatient = new CancellationTokenSource();
        var stop = loop.StopAsync(impatient.Token);
        impatient.Cancel();
        await stop;
        Assert.False(queuedRan);
        Assert.Equal(2, loop.Dropped);
        Assert.Equal(0, loop.Outstanding);
        await loop.JoinAsync(Ct);
    }

    [Fact]
    public async Task Stop_turns_forced_when_the_deadline_passes()
    {
        var clock = new ManualTimeProvider();
        var loop = Loop(new BackgroundJobOptions { ShutdownDeadline = TimeSpan.FromSeconds(5) }, clock);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await loop.EnqueueAsync("stuck", async ct => { started.SetResult(); await Task.Delay(Timeout.Infinite, ct); }, Ct);
        await started.Task.WaitAsync(Ct);

        var stop = loop.StopAsync(Ct);
        Assert.False(stop.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        await stop.WaitAsync(Ct);
        Assert.Equal(1, loop.Dropped);
    }

    [Fact]
    public async Task JoinAsync_waits_for_every_outstanding_job()
    {
        var loop = Loop();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = 0;
        for (var i = 0; i < 4; i++)
            await loop.EnqueueAsync($"job {i}", async _ => { await gate.Task; Interlocked.Increment(ref finished); }, Ct);
        var join = loop.JoinAsync(Ct);
        Assert.False(join.IsCompleted);
        gate.SetResult();
        await join;
        Assert.Equal(4, finished);
        Assert.True(loop.JoinAsync(Ct).IsCompleted);
    }

    [Fact]
    public void Invalid_options_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundJobLoop(new BackgroundJobOptions { MaxInFlight = 0 }));
        Assert.Equal("MaxInFlight", e.ParamName);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
