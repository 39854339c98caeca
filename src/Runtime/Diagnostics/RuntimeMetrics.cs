using System.Diagnostics.Metrics;

namespace ObjectStore.Runtime.Diagnostics;

/// <summary>The runtime's instruments on the meter "ObjectStore.Runtime" (OpenTelemetry-style names).</summary>
internal static class RuntimeMetrics
{
    public const string MeterName = "ObjectStore.Runtime";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Live activations, tagged with grain.type.</summary>
    public static readonly UpDownCounter<long> Activations = s_meter.CreateUpDownCounter<long>("objectstore.runtime.activations", "{activation}", "Live grain activations");

    /// <summary>Completed grain calls, tagged with grain.type and grain.method.</summary>
    public static readonly Counter<long> Calls = s_meter.CreateCounter<long>("objectstore.runtime.calls", "{call}", "Grain calls executed on this silo");

    /// <summary>Execution time of grain calls (queueing excluded), tagged like calls.</summary>
    public static readonly Histogram<double> CallDuration = s_meter.CreateHistogram<double>("objectstore.runtime.call.duration", "s", "Grain call execution time");

    /// <summary>Calls queued in mailboxes, not yet started.</summary>
    public static readonly UpDownCounter<long> MailboxLength = s_meter.CreateUpDownCounter<long>("objectstore.runtime.mailbox.length", "{call}", "Queued grain calls");

    /// <summary>Calls whose deadline passed before they completed.</summary>
    public static readonly Counter<long> DeadlineExpired = s_meter.CreateCounter<long>("objectstore.runtime.deadline.expired", "{call}", "Calls that passed their deadline");

    /// <summary>Calls forwarded to the owner because the sender's view was stale.</summary>
    public static readonly Counter<long> Forwards = s_meter.CreateCounter<long>("objectstore.runtime.forwards", "{call}", "Calls forwarded to the owning silo");

    /// <summary>Membership views applied.</summary>
    public static readonly Counter<long> MembershipChanges = s_meter.CreateCounter<long>("objectstore.runtime.membership.changes", "{view}", "Membership views applied");

    /// <summary>Delay between a reminder tick's due time and its delivery.</summary>
    public static readonly Histogram<double> ReminderLag = s_meter.CreateHistogram<double>("objectstore.runtime.reminder.lag", "s", "Reminder delivery lag");

    public static void RecordCall(KeyValuePair<string, object?> grainType, string method, TimeSpan elapsed)
    {
        if (!Calls.Enabled && !CallDuration.Enabled) return;
        var methodTag = new KeyValuePair<string, object?>("grain.method", method);
        Calls.Add(1, grainType, methodTag);
        CallDuration.Record(elapsed.TotalSeconds, grainType, methodTag);
    }
}
