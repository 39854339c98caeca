using Microsoft.Extensions.DependencyInjection;

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
            await UnregisterAsync();
            _registered = null;
            return;
        }
        if (_registered == options.ReminderPeriod) return;
        // Re-registering moves the next tick a whole period away; every silo start would then postpone a long-period
        // grain (the 6 h sweep) again. Keep an existing reminder whose period is right.
        // IGrainReminder carries no period; the table row does.
        var table = ServiceProvider.GetRequiredService<IReminderTable>();
        if ((await table.ReadRow(this.GetGrainId(), ReminderName))?.Period != options.ReminderPeriod)
            await this.RegisterOrUpdateReminder(ReminderName, options.ReminderPeriod, options.ReminderPeriod);
        _registered = options.ReminderPeriod;
    }

    /// <summary>A tick: runs now (a grain whose runs outlast a call deadline overrides this to run in the background).</summary>
    public virtual Task ReceiveReminder(string reminderName, TickStatus status) => Enabled ? RunAsync() : UnregisterAsync();

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

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
        await FinishAsync(run);
        return run;
    }

    /// <summary>A fresh accumulator for one run.</summary>
    protected abstract TRun StartRun();

    /// <summary>Handles one batch of at most <paramref name="batchSize"/>, adding to <paramref name="run"/>; true when more may be left.</summary>
    protected abstract Task<bool> RunBatchAsync(TRun run, int batchSize, CancellationToken cancellationToken);

    /// <summary>Logs the run (and records it where the grain keeps state).</summary>
    protected abstract Task FinishAsync(TRun run);
}
