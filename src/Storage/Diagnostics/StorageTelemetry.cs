using System.Diagnostics;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Diagnostics;

/// <summary>
/// The storage layer's spans on the ActivitySource "ObjectStore.Storage": one per HV/LT step of the tiered protocol,
/// tagged with the operation, the usecase and the tier, so a request's trace shows which tier did the work.
/// </summary>
public static class StorageTelemetry
{
    /// <summary>The ActivitySource name exporters subscribe to.</summary>
    public const string SourceName = "ObjectStore.Storage";

    /// <summary>Tier tag value for the high-volume SQL store.</summary>
    public const string HighVolume = "hv";

    /// <summary>Tier tag value for the long-term blob store.</summary>
    public const string LongTerm = "lt";

    private static readonly ActivitySource s_source = new(SourceName);

    // The request's tier slot: set by the gateway per request, filled in below it where the tier is decided.
    private static readonly AsyncLocal<TierSlot?> s_tier = new();

    /// <summary>Opens a tier slot for the calling request; code below it reports the tier it chose through <see cref="NoteTier"/>.</summary>
    public static TierSlot BeginRequest()
    {
        var slot = new TierSlot();
        s_tier.Value = slot;
        return slot;
    }

    /// <summary>Records the tier that served the current request (no-op outside a request).</summary>
    public static void NoteTier(string tier)
    {
        if (s_tier.Value is { } slot) slot.Tier = tier;
    }

    /// <summary>Starts a span <c>storage.{operation}</c> (null when nobody listens), tagged usecase and tier.</summary>
    public static Activity? Start(string operation, ObjectId id, string tier)
    {
        var activity = s_source.StartActivity("storage." + operation, ActivityKind.Internal);
        if (activity is null) return null;
        activity.SetTag("objectstore.operation", operation);
        activity.SetTag("objectstore.usecase", id.Usecase);
        activity.SetTag("objectstore.tier", tier);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="error"/>.</summary>
    public static void Fail(Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", error.GetType().FullName);
    }
}

/// <summary>The tier (<c>hv</c> or <c>lt</c>) that served one request, when the request touched one.</summary>
public sealed class TierSlot
{
    /// <summary>The tier, or null when none was decided (errors, listings, batches).</summary>
    public string? Tier { get; set; }
}
