using System.Runtime.CompilerServices;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Grains.Tests.Sweep;

/// <summary>An LT store whose first listing fails after <paramref name="blobs"/> blobs, as a crash mid-sweep would; records where every listing started.</summary>
internal sealed class ListingBreaksOnce(ILongTermStore inner, int blobs) : DelegatingLongTermStore(inner)
{
    private int _broken;

    /// <summary>The position each listing was asked to resume after (null = from the start), in call order.</summary>
    public List<string?> Starts { get; } = [];

    public override async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Starts) Starts.Add(resumeAfter);
        var breakNow = Interlocked.Exchange(ref _broken, 1) == 0;
        var yielded = 0;
        await foreach (var blob in Inner.ListAsync(prefix, resumeAfter, cancellationToken))
        {
            if (breakNow && yielded == blobs) throw new IOException("injected: the sweeping silo died mid-listing");
            yielded++;
            yield return blob;
        }
    }
}
