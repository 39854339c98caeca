using ObjectStore.Runtime.Activations;

namespace ObjectStore.Runtime.Grains;

/// <summary>
/// Base class of grain implementations (Orleans' <c>Grain</c>). The runtime creates one instance per activation,
/// calls <see cref="OnActivateAsync"/> before the first request and <see cref="OnDeactivateAsync"/> when the
/// activation leaves (best effort: a crash skips it). All methods run as turns of the activation: one at a time,
/// non-reentrant unless the request is read-only. A call to a grain already on the current call chain (a self-call,
/// A→B→A) fails at once with <see cref="Invocation.DeadlockException"/> instead of waiting for its deadline: there is
/// no call-chain reentrancy. Outbound calls inherit the remaining deadline; never use ConfigureAwait(false) in grains.
/// </summary>
public abstract class Grain
{
    private Activation? _activation;

    internal void Attach(Activation activation) => _activation = activation;

    private Activation Activation => _activation ?? throw new InvalidOperationException("This grain instance was not created by the runtime.");

    /// <summary>The grain's id.</summary>
    public GrainId GrainId => Activation.Id;

    /// <summary>The grain's string key (Orleans' <c>this.GetPrimaryKeyString()</c>).</summary>
    public string GrainKey => Activation.Id.Key;

    /// <summary>Creates references to other grains (and to this one).</summary>
    public IGrainFactory GrainFactory => Activation.Runtime.GrainFactory;

    /// <summary>Runs before the first request; throwing fails the queued requests and discards the activation.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the activation leaves (idle, budget, request, shutdown) within the deactivation timeout.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Starts a timer whose callbacks run as turns of this activation (never overlapping; the next period starts
    /// after the callback completed). Timer ticks do not keep the activation alive; it stops on deactivation or dispose.
    /// </summary>
    protected IDisposable RegisterTimer(Func<object?, Task> callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Activation.RegisterTimer(callback, state, dueTime, period);

    /// <summary>Keeps this activation from idle (and budget) collection for at least <paramref name="duration"/>; zero clears it.</summary>
    protected void DelayDeactivation(TimeSpan duration) => Activation.DelayDeactivation(duration);

    /// <summary>Deactivates this activation once the current turn ends; queued requests go to a fresh activation.</summary>
    protected void DeactivateOnIdle() =>
        Activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle"));

    /// <summary>Registers or replaces the durable reminder <paramref name="reminderName"/>; ticks arrive through <see cref="IRemindable"/>.</summary>
    protected Task RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        Activation.Runtime.Reminders.RegisterAsync(GrainId, reminderName, dueTime, period);

    /// <summary>The durable reminder <paramref name="reminderName"/> of this grain (its period and next due time), or null.</summary>
    protected Task<Reminders.ReminderEntry?> GetReminder(string reminderName) =>
        Activation.Runtime.Reminders.GetAsync(GrainId, reminderName);

    /// <summary>Removes the reminder <paramref name="reminderName"/>; absent is fine.</summary>
    protected Task UnregisterReminder(string reminderName) =>
        Activation.Runtime.Reminders.UnregisterAsync(GrainId, reminderName);
}
