using Microsoft.Extensions.Logging;
using ObjectStore.Runtime.Diagnostics;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Reminders;

/// <summary>
/// Reminders for one silo: registration from grains, and the delivery loop every silo runs:
/// 1. Claim up to a batch of due ticks (the table's claim lease keeps other silos off them).
/// 2. Deliver each as an ordinary grain call (method 65535) routed to the grain's owner, possibly remote.
/// 3. Acknowledge delivered ticks (the table advances next_due past now, skipping missed ticks). A tick whose
///    delivery failed is not acknowledged: its claim lapses and some silo delivers it again (at-least-once).
/// 4. Sleep until the next due time, at most the poll interval; loop until stopped.
/// </summary>
internal sealed class ReminderService(SiloRuntime runtime, IReminderTable? table)
{
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;

    public Task RegisterAsync(GrainId id, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (period < runtime.Options.MinReminderPeriod)
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder period must be at least {runtime.Options.MinReminderPeriod}.");
        if (dueTime < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "Reminder due time must not be negative.");
        return Table.UpsertAsync(id.Type, id.Key, name, DateTimeOffset.UtcNow + dueTime, period, CancellationToken.None);
    }

    public async Task<ReminderEntry?> GetAsync(GrainId id, string name) =>
        (await Table.ListAsync(id.Type, id.Key, CancellationToken.None).ConfigureAwait(false)).FirstOrDefault(r => r.Name == name);

    public Task UnregisterAsync(GrainId id, string name) => Table.DeleteAsync(id.Type, id.Key, name, CancellationToken.None);

    private IReminderTable Table => table ?? throw new InvalidOperationException("This silo has no reminder table; configure one with SiloBuilder.UseReminderTable.");

    public void Start()
    {
        if (table is null) return;
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(table, _stop.Token));
    }

    public async Task StopAsync()
    {
        if (_stop is null) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
        _stop = null;
    }

    private async Task RunAsync(IReminderTable reminders, CancellationToken cancellationToken)
    {
        var options = runtime.Options;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var ticks = await reminders.ClaimDueAsync(DateTimeOffset.UtcNow, options.ReminderClaimLease, options.ReminderBatchSize, cancellationToken).ConfigureAwait(false);
                if (ticks.Count > 0) await Task.WhenAll(ticks.Select(t => DeliverAsync(reminders, t, cancellationToken))).ConfigureAwait(false);
                if (ticks.Count == options.ReminderBatchSize) continue;
                var next = await reminders.NextDueAsync(cancellationToken).ConfigureAwait(false);
                var sleep = next is { } due ? due - DateTimeOffset.UtcNow : options.ReminderPollInterval;
                if (sleep > options.ReminderPollInterval) sleep = options.ReminderPollInterval;
                if (sleep > TimeSpan.Zero) await Task.Delay(sleep, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                runtime.Logger.LogWarning(e, "Reminder loop failed; retrying after {Delay}", options.ReminderPollInterval);
                try { await Task.Delay(options.ReminderPollInterval, cancellationToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task DeliverAsync(IReminderTable reminders, ReminderTick tick, CancellationToken cancellationToken)
    {
        RuntimeMetrics.ReminderLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - tick.DueAt).TotalSeconds));
        var request = new ReminderRequest { Name = tick.Name, Status = new TickStatus(tick.DueAt, tick.Period) };
        var deadline = Environment.TickCount64 + (long)runtime.Options.DefaultCallTimeout.TotalMilliseconds;
        var call = new GrainCall(new GrainId(tick.GrainType, tick.GrainKey), request, [], deadline, cancellationToken);
        try
        {
            runtime.Router.Send(call);
            await call.Task.ConfigureAwait(false);
            await reminders.AcknowledgeAsync(tick, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            runtime.Logger.LogWarning(e, "Reminder {Reminder} of {GrainType}/{GrainKey} not delivered; it will be retried after its claim lapses",
                tick.Name, tick.GrainType, tick.GrainKey);
        }
        finally
        {
            call.Release();
        }
    }
}
