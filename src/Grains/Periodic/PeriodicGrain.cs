using ObjectStore.Runtime.Grains;

namespace ObjectStore.Grains.Periodic;

/// <summary>
/// Base of the reminder-driven maintenance grains: registers its reminder once per activation and, on every tick
/// (or an explicit run), calls <see cref="RunBatchAsync"/> until it reports nothing left or
/// <see cref="PeriodicOptions.MaxBatchesPerRun"/> batches ran, under the run's own deadline. A tick that finds a
/// run still going is skipped by the turn model (ticks are turns too).
/// </summary>
public abstract class PeriodicGrain<TRun>(PeriodicOptions options) : Grain, IPeriodicGrain, IRemindable
    where TRun : class
{
    private TimeSpan? _registered;

    /// <summary>The reminder's name.</summary>
    protected abstract string ReminderName { get; }

    /// <summary>False turns the grain off: its reminder is removed (so a configuration change takes effect) and ticks do nothing.</summary>
    protected virtual bool Enabled => true;

    /// <inheritdoc/>
    public async Task EnsureReminder(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            await UnregisterReminder(ReminderName);
            _registered = null;
            return;
        }
        if (_registered == options.ReminderPeriod) return;
        // Re-registering moves the next tick a whole period away; every silo start would then postpone a long-period
        // grain (the 6 h sweep) again. Keep an existing reminder whose period is right.
        if ((await GetReminder(ReminderName))?.Period != options.ReminderPeriod)
            await RegisterOrUpdateReminder(ReminderName, options.ReminderPeriod, options.ReminderPeriod);
        _registered = options.ReminderPeriod;
    }

    /// <summary>A tick: runs now (a grain whose runs outlast a call deadline overrides this to run in the background).</summary>
    public virtual Task ReceiveReminder(string reminderName, TickStatus status) => Enabled ? RunAsync() : UnregisterReminder(ReminderName);

    /// <summary>One run: batches until done, bounded or <paramref name="stopping"/> fires; returns its totals.</summary>
    protected async Task<TRun> RunAsync(CancellationToken stopping = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(options.RunTimeout);
        var run = StartRun();
        for (var i = 0; i < options.MaxBatchesPerRun; i++)
        {
            if (!await RunBatchAsync(run, options.BatchSize, deadline.Token)) break;
        }
        Finish(run);
        return run;
    }

    /// <summary>A fresh accumulator for one run.</summary>
    protected abstract TRun StartRun();

    /// <summary>Handles one batch of at most <paramref name="batchSize"/>, adding to <paramref name="run"/>; true when more may be left.</summary>
    protected abstract Task<bool> RunBatchAsync(TRun run, int batchSize, CancellationToken cancellationToken);

    /// <summary>Logs the run.</summary>
    protected abstract void Finish(TRun run);
}
