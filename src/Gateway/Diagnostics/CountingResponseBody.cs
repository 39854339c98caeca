using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace ObjectStore.Gateway.Diagnostics;

/// <summary>
/// The response body feature with its <see cref="PipeWriter"/> counting the bytes advanced, for
/// <c>objectstore.server.bytes</c> (direction out) and <c>get.size</c>. Everything else is the server's own feature;
/// the endpoints write through <c>Response.BodyWriter</c>, so that is the one place every body byte passes.
/// </summary>
internal sealed class CountingResponseBody(IHttpResponseBodyFeature inner) : PipeWriter, IHttpResponseBodyFeature
{
    private long _count;

    /// <summary>Body bytes written so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Puts a counting body in front of <paramref name="features"/>' own; returns it.</summary>
    public static CountingResponseBody Install(IFeatureCollection features)
    {
        var counting = new CountingResponseBody(features.GetRequiredFeature<IHttpResponseBodyFeature>());
        features.Set<IHttpResponseBodyFeature>(counting);
        return counting;
    }

    // ---- IHttpResponseBodyFeature: the server's, with this counting writer ----

    Stream IHttpResponseBodyFeature.Stream => inner.Stream;

    PipeWriter IHttpResponseBodyFeature.Writer => this;

    void IHttpResponseBodyFeature.DisableBuffering() => inner.DisableBuffering();

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => inner.StartAsync(cancellationToken);

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    Task IHttpResponseBodyFeature.CompleteAsync() => inner.CompleteAsync();

    // ---- PipeWriter: the server's, counting Advance ----

    /// <inheritdoc />
    public override void Advance(int bytes)
    {
        inner.Writer.Advance(bytes);
        Interlocked.Add(ref _count, bytes);
    }

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.Writer.GetMemory(sizeHint);

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0) => inner.Writer.GetSpan(sizeHint);

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.Writer.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override void CancelPendingFlush() => inner.Writer.CancelPendingFlush();

    /// <inheritdoc />
    public override void Complete(Exception? exception = null) => inner.Writer.Complete(exception);

    /// <inheritdoc />
    public override ValueTask CompleteAsync(Exception? exception = null) => inner.Writer.CompleteAsync(exception);

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => inner.Writer.CanGetUnflushedBytes;

    /// <inheritdoc />
    public override long UnflushedBytes => inner.Writer.UnflushedBytes;
}
