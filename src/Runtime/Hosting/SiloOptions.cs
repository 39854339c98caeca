using System.Net;

namespace ObjectStore.Runtime.Hosting;

/// <summary>Every tunable of a silo, with its default.</summary>
public sealed class SiloOptions
{
    /// <summary>This incarnation's id (new on every start by default).</summary>
    public string SiloId { get; set; } = $"silo-{Guid.NewGuid():N}"[..17];

    /// <summary>Shared secret every silo-to-silo and client call must carry; required for more than one silo.</summary>
    public string ClusterKey { get; set; } = Convert.ToHexString(Guid.NewGuid().ToByteArray());

    /// <summary>Where the internal HTTP/2 endpoint listens (default loopback, any free port).</summary>
    public IPEndPoint InternalEndpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>The address other silos use to reach this one (default derived from the bound endpoint).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Deadline of a call started outside any grain turn (default 30 s); nested calls inherit the remainder.</summary>
    public TimeSpan DefaultCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle time after which an activation is collected (default 15 min; per type in <see cref="GrainTypeOptions"/>).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Idle time after which a stateless worker is removed (default 1 min).</summary>
    public TimeSpan StatelessWorkerIdleAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Period of the idle-collection sweep (default 1 min).</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Activation budget per silo (default 100,000): above it, least recently used idle activations are collected.</summary>
    public int MaxActivations { get; set; } = 100_000;

    /// <summary>Time allowed for OnActivateAsync (default 30 s).</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for OnDeactivateAsync (default 30 s).</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline for a graceful stop to drain before it is forced (default 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest accepted call message (default 16 MiB).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Shortest reminder period a grain may register (default 1 min; tests use seconds).</summary>
    public TimeSpan MinReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest sleep of the reminder loop between polls of the table (default 1 s).</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed tick stays reserved for this silo before others may claim it (default 1 min).</summary>
    public TimeSpan ReminderClaimLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Ticks claimed per poll (default 100).</summary>
    public int ReminderBatchSize { get; set; } = 100;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(SiloId)) throw new ArgumentException("SiloId must not be empty.");
        if (string.IsNullOrEmpty(ClusterKey)) throw new ArgumentException("ClusterKey must not be empty.");
        Positive(DefaultCallTimeout, nameof(DefaultCallTimeout));
        Positive(CollectionAge, nameof(CollectionAge));
        Positive(StatelessWorkerIdleAge, nameof(StatelessWorkerIdleAge));
        Positive(CollectionQuantum, nameof(CollectionQuantum));
        Positive(ActivationTimeout, nameof(ActivationTimeout));
        Positive(DeactivationTimeout, nameof(DeactivationTimeout));
        Positive(ShutdownTimeout, nameof(ShutdownTimeout));
        Positive(MinReminderPeriod, nameof(MinReminderPeriod));
        Positive(ReminderPollInterval, nameof(ReminderPollInterval));
        Positive(ReminderClaimLease, nameof(ReminderClaimLease));
        if (MaxActivations <= 0) throw new ArgumentException($"MaxActivations must be positive, not {MaxActivations}.");
        if (MaxMessageBytes < 1024) throw new ArgumentException($"MaxMessageBytes must be at least 1024, not {MaxMessageBytes}.");
        if (ReminderBatchSize <= 0) throw new ArgumentException($"ReminderBatchSize must be positive, not {ReminderBatchSize}.");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be positive, not {value}.");
    }
}

/// <summary>Per-grain-type options.</summary>
public sealed class GrainTypeOptions
{
    /// <summary>Idle time before collection for this type (default: the silo's).</summary>
    public TimeSpan? CollectionAge { get; set; }

    /// <summary>Bounded mailbox: calls beyond this many queued or running fail fast with MailboxFullException (0 = unbounded).</summary>
    public int MailboxCapacity { get; set; }
}
