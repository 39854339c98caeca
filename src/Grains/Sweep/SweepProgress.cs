namespace ObjectStore.Grains.Sweep;

/// <summary>
/// The orphan sweep's durable progress (grain state "sweep"): the listing position after the last page it swept to
/// the end, so a sweep interrupted by a crash or a silo shutdown resumes there instead of listing millions of blobs
/// again; cleared when a sweep completes.
/// </summary>
[GenerateSerializer, Alias("objectstore.SweepProgress")]
public sealed class SweepProgress
{
    /// <summary>Where the next sweep continues (an LT listing position); null starts from the beginning.</summary>
    [Id(0)] public string? ResumeAfter { get; set; }

    /// <summary>Blobs listed by the interrupted sweep so far, carried into the resumed one's count.</summary>
    [Id(1)] public long Listed { get; set; }
}
