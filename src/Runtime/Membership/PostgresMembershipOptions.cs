using System.Text.RegularExpressions;

namespace ObjectStore.Runtime.Membership;

/// <summary>
/// Tunables of <see cref="PostgresMembership"/>. The defaults move a crashed silo's keys within 10 s:
/// its lease lapses at most <see cref="LeaseDuration"/> (6 s) after the crash, and the next poll of any
/// survivor (every <see cref="PollPeriod"/>, 1 s) declares it dead and notifies everyone, so 4–7 s in all.
/// </summary>
public sealed partial class PostgresMembershipOptions
{
    /// <summary>How long a renewed lease lasts, measured by the database clock. Default 6 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How often the lease is renewed; must be below <see cref="LeaseDuration"/> − <see cref="FenceMargin"/>. Default 2 s.</summary>
    public TimeSpan RenewPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Safety margin of self-fencing: a silo whose last successful renewal started more than
    /// <see cref="LeaseDuration"/> − this ago stops serving, before anyone can see its lease lapsed. Default 1 s.
    /// </summary>
    public TimeSpan FenceMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the table is re-read (the fallback when a notification is lost) and lapsed leases declared dead. Default 1 s.</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether views also propagate through LISTEN/NOTIFY (off leaves polling alone). Default true.</summary>
    public bool UseNotifications { get; set; } = true;

    /// <summary>The LISTEN/NOTIFY channel; a lower-case SQL identifier. Default <c>runtime_membership</c>.</summary>
    public string NotificationChannel { get; set; } = "runtime_membership";

    /// <summary>Rows of silos dead (or lapsed) for longer than this are deleted. Default 1 h.</summary>
    public TimeSpan DefunctRowExpiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often defunct rows are looked for. Default 10 min.</summary>
    public TimeSpan DefunctCleanupPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option that is out of range.</summary>
    public void Validate()
    {
        RequirePositive(LeaseDuration, nameof(LeaseDuration));
        RequirePositive(RenewPeriod, nameof(RenewPeriod));
        RequirePositive(FenceMargin, nameof(FenceMargin));
        RequirePositive(PollPeriod, nameof(PollPeriod));
        RequirePositive(DefunctCleanupPeriod, nameof(DefunctCleanupPeriod));
        if (FenceMargin >= LeaseDuration)
            throw new ArgumentException($"{nameof(FenceMargin)} ({FenceMargin}) must be shorter than {nameof(LeaseDuration)} ({LeaseDuration}).", nameof(FenceMargin));
        if (RenewPeriod >= LeaseDuration - FenceMargin)
            throw new ArgumentException(
                $"{nameof(RenewPeriod)} ({RenewPeriod}) must be shorter than {nameof(LeaseDuration)} − {nameof(FenceMargin)} ({LeaseDuration - FenceMargin}), or a healthy silo would fence itself.",
                nameof(RenewPeriod));
        if (PollPeriod > LeaseDuration)
            throw new ArgumentException($"{nameof(PollPeriod)} ({PollPeriod}) must not exceed {nameof(LeaseDuration)} ({LeaseDuration}).", nameof(PollPeriod));
        if (DefunctRowExpiration < LeaseDuration)
            throw new ArgumentException($"{nameof(DefunctRowExpiration)} ({DefunctRowExpiration}) must be at least {nameof(LeaseDuration)} ({LeaseDuration}).", nameof(DefunctRowExpiration));
        if (NotificationChannel is null || !ChannelName().IsMatch(NotificationChannel))
            throw new ArgumentException(
                $"{nameof(NotificationChannel)} '{NotificationChannel}' must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters).",
                nameof(NotificationChannel));
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentException($"{name} must be positive (was {value}).", name);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex ChannelName();
}
