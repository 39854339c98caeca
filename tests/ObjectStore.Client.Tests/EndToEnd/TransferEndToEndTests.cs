using System.Net;

namespace ObjectStore.Client.Tests.EndToEnd;

/// <summary>Long transfers against the real server: bounded memory, progress, cancellation, and multipart failure cleanup.</summary>
[Collection(ServerCollection.Name)]
public sealed class TransferEndToEndTests(ServerFixture server) : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly ObjectStoreClient _client = new(server.Options());

    private ObjectStoreSession Session(Compression compression = Compression.None) =>
        _client.Session(new Usecase("transfers") { Compression = compression }, ("org", "1"));

    [Fact]
    public async Task A_300_MiB_streamed_put_and_get_round_trip_with_memory_bounded()
    {
        const long size = 300 * MiB;
        var session = Session();
        using var sampler = new PeakMemorySampler();
        var progress = new Recorder();

        using var source = new GeneratedPayload(size, seed: 3);
        await session.PutAsync(source, new PutOptions { Key = "big-streamed", Progress = progress });
        await using var retrieved = await session.GetAsync("big-streamed");
        var (hash, length) = await GeneratedPayload.HashAsync(retrieved!.Content);

        Assert.Equal(size, length);
        Assert.Equal(source.Hash(), hash);
        Assert.Equal(size, progress.Last.BytesTransferred);
        // Server and client share this process; a buffered 300 MiB body on either side would show here.
        Assert.True(sampler.PeakGrowth < 150 * MiB, $"working set grew {sampler.PeakGrowth / MiB} MiB while moving {size / MiB} MiB");
    }

    [Fact]
    public async Task A_256_MiB_multipart_upload_with_zstd_parts_keeps_memory_bounded()
    {
        const long size = 256 * MiB;
        var session = Session(Compression.Zstd);
        using var sampler = new PeakMemorySampler();

        using var source = new GeneratedPayload(size, seed: 9);
        var key = await session.UploadMultipartAsync(source, new PutOptions { Key = "big-multipart" });
        await using var retrieved = await session.GetAsync(key);
        var (hash, length) = await GeneratedPayload.HashAsync(retrieved!.Content);

        Assert.Equal(size, length);
        Assert.Equal(source.Hash(), hash);
        // Four 8 MiB parts and their zstd frames are 64 MiB; anything near the object's size would mean buffering.
        Assert.True(sampler.PeakGrowth < 150 * MiB, $"working set grew {sampler.PeakGrowth / MiB} MiB while moving {size / MiB} MiB");
    }

    [Fact]
    public async Task A_file_over_the_threshold_goes_up_in_parallel_zstd_parts_with_progress()
    {
        var path = Path.Combine(server.Directory, "upload-" + Guid.NewGuid().ToString("N"));
        await using (var file = File.Create(path))
        await using (var source = new GeneratedPayload(23 * MiB, seed: 5))
            await source.CopyToAsync(file);
        var expected = await HashFileAsync(path);
        var targets = new InterceptingHandler();
        using var client = TestClients.Through(server.Options(o =>
        {
            o.MultipartThreshold = 8 * MiB;
            o.MultipartPartSize = 5 * (int)MiB;
        }), targets);
        var session = client.Session(new Usecase("transfers"), ("org", "1"));
        var progress = new Recorder();

        var key = await session.PutFileAsync(path, new PutOptions { Key = "multipart-file", Progress = progress });

        Assert.Equal(5, targets.Targets.Count(t => t.StartsWith("PUT /v1/objects:multipart:parts/", StringComparison.Ordinal)));
        Assert.Equal(23 * MiB, progress.Last.BytesTransferred);
        await using var retrieved = await session.GetAsync(key);
        Assert.Equal(expected, (await GeneratedPayload.HashAsync(retrieved!.Content)).Hash);
        await using var raw = await session.GetAsync(key, new GetOptions { Decompress = false });
        Assert.Equal(Compression.Zstd, raw!.Metadata.Compression);
    }

    [Fact]
    public async Task A_failed_part_aborts_the_upload_and_leaves_nothing_behind()
    {
        string? uploadId = null;
        var faults = new InterceptingHandler(request =>
        {
            var target = request.RequestUri!.PathAndQuery;
            if (!target.Contains("objects:multipart:parts", StringComparison.Ordinal)) return null;
            uploadId ??= Uri.UnescapeDataString(target.Split("upload_id=")[1].Split('&')[0]);
            return target.EndsWith("part_number=3", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("""{"detail":"injected"}""") }
                : null;
        });
        using var client = TestClients.Through(server.Options(o => o.MultipartPartSize = 5 * (int)MiB), faults);
        var session = client.Session(new Usecase("transfers") { Compression = Compression.None }, ("org", "1"));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            session.UploadMultipartAsync(new GeneratedPayload(26 * MiB), new PutOptions { Key = "multipart-fails" }));

        Assert.Equal(500, error.StatusCode);
        Assert.Contains(faults.Targets, t => t.StartsWith("DELETE /v1/objects:multipart/", StringComparison.Ordinal));
        Assert.Null(await session.HeadAsync("multipart-fails"));
        await Assert.ThrowsAsync<ObjectStoreException>(() => session.ResumeMultipart("multipart-fails", uploadId!).ListPartsAsync());
    }

    [Fact]
    public async Task Cancelling_a_put_mid_stream_stops_it_and_stores_nothing()
    {
        using var cancel = new CancellationTokenSource();
        var source = new GeneratedPayload(1024 * MiB, onRead: read =>
        {
            if (read >= 8 * MiB) cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Session().PutAsync(source, new PutOptions { Key = "cancelled-put" }, cancel.Token));

        Assert.InRange(source.Position, 8 * MiB, 64 * MiB);
        Assert.Null(await Session().HeadAsync("cancelled-put"));
    }

    [Fact]
    public async Task Cancelling_a_get_mid_read_stops_it()
    {
        var session = Session();
        await session.PutAsync(new GeneratedPayload(32 * MiB), new PutOptions { Key = "cancelled-get" });
        using var cancel = new CancellationTokenSource();

        await using var retrieved = await session.GetAsync("cancelled-get", cancellationToken: cancel.Token);
        var buffer = new byte[MiB];
        Assert.True(await retrieved!.Content.ReadAsync(buffer, cancel.Token) > 0);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await retrieved.Content.ReadAsync(buffer, cancel.Token) > 0) { }
        });
    }

    private static async Task<byte[]> HashFileAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return (await GeneratedPayload.HashAsync(file)).Hash;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Keeps the last report (synchronously, unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class Recorder : IProgress<TransferProgress>
    {
        public TransferProgress Last { get; private set; }

        public void Report(TransferProgress value)
        {
            lock (this)
                if (value.BytesTransferred >= Last.BytesTransferred) Last = value;
        }
    }

    /// <summary>Samples the process working set every 20 ms; reports the peak growth over the start.</summary>
    private sealed class PeakMemorySampler : IDisposable
    {
        private readonly long _baseline;
        private readonly Timer _timer;
        private long _peak;

        public PeakMemorySampler()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            _baseline = Environment.WorkingSet;
            _peak = _baseline;
            _timer = new Timer(_ => Sample(), null, 0, 20);
        }

        public long PeakGrowth
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak) - _baseline;
            }
        }

        private void Sample()
        {
            var now = Environment.WorkingSet;
            long peak;
            while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
        }

        public void Dispose() => _timer.Dispose();
    }
}
