using System.Net;
using ZstdSharp;

namespace ObjectStore.Client.Http;

/// <summary>
/// An upload body that streams from its source, compressing with zstd on the way when asked, so no payload is buffered:
/// compressed or unsized bodies go chunked, uncompressed sized ones with a content-length. Each send reopens the source,
/// which is what lets a retry resend a replayable payload.
/// </summary>
internal sealed class PayloadContent(PayloadSource source, bool compress, IProgress<TransferProgress>? progress) : HttpContent
{
    /// <summary>Level 3 is zstd's default: most of the ratio at a fraction of the CPU of higher levels.</summary>
    public const int Level = 3;

    private const int BufferSize = 128 * 1024;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var input = new ProgressStream(source.Open(), progress, source.Length);
        if (!compress)
        {
            await input.CopyToAsync(stream, BufferSize, cancellationToken).ConfigureAwait(false);
            return;
        }
        var zstd = new CompressionStream(stream, Level, BufferSize, leaveOpen: true);
        await using (zstd.ConfigureAwait(false))
            await input.CopyToAsync(zstd, BufferSize, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = source.Length ?? -1;
        return !compress && source.Length is not null;
    }
}
