using ObjectStore.Bench.Load;

namespace ObjectStore.Bench.Tests.Load;

public sealed class EndToEndTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    private static readonly LoadSpec s_short = new()
    {
        Name = "bench",
        Concurrency = 4,
        Duration = TimeSpan.FromSeconds(2),
        Actions = new ActionWeights(8, 1, 1),
        Prefill = 20,
        Organizations = 3,
    };

    private static string Describe(LoadResult result) =>
        LoadReport.Markdown([result]) + string.Join('\n', result.Operations.Select(o => $"{o.Key}: {o.Value.FirstError}"));

    [Fact]
    public async Task A_short_weighted_run_against_the_server_has_no_failures_and_verifies_its_reads()
    {
        await using var target = await LoadTargets.CreateAsync($"objectstore:{server.BaseUrl}", 4, CancellationToken.None);
        var result = await LoadRunner.RunAsync(s_short, target, TextWriter.Null, CancellationToken.None);

        Assert.False(result.Failed, Describe(result) + server.Output);
        Assert.True(result.Operations["write"].Count > 0, Describe(result));
        Assert.True(result.Operations["read"].Count > 0, Describe(result));
        Assert.True(result.Operations["read"].Bytes > 0, Describe(result));
        Assert.Equal(0, result.Operations["cleanup"].Failures);
        Assert.Equal("objectstore", result.TargetKind);
        Assert.InRange(result.ConcurrencyAchieved, 0.5, 4.5);
    }

    [Fact]
    public async Task A_read_with_other_bytes_than_written_is_a_mismatch()
    {
        var spec = s_short;
        await using var target = await LoadTargets.CreateAsync($"objectstore:{server.BaseUrl}", 1, CancellationToken.None);
        var stored = await target.WriteAsync(spec, new ObjectToWrite(0, 4000, 77), CancellationToken.None);
        await target.ReadAsync(spec, stored, CancellationToken.None);

        await Assert.ThrowsAsync<PayloadMismatchException>(() => target.ReadAsync(spec, stored with { Seed = 78 }, CancellationToken.None));
        await target.DeleteAsync(spec, stored, CancellationToken.None);
        await Assert.ThrowsAsync<ObjectStore.Bench.Load.Targets.LoadHttpException>(() => target.ReadAsync(spec, stored, CancellationToken.None));
    }

    [Fact]
    public async Task Multipart_uploads_are_read_back_whole()
    {
        var spec = s_short with { Multipart = new MultipartSpec(3, 64 * 1024) };
        await using var target = await LoadTargets.CreateAsync($"objectstore:{server.BaseUrl}", 4, CancellationToken.None);
        var stored = await target.WriteAsync(spec, new ObjectToWrite(1, 300_001, 5), CancellationToken.None);

        await target.ReadAsync(spec, stored, CancellationToken.None);
        await target.DeleteAsync(spec, stored, CancellationToken.None);
    }

    [Fact]
    public async Task A_short_batch_run_counts_every_insert()
    {
        var spec = s_short with { Mode = WorkloadMode.Batch, Concurrency = 2, BatchSize = 50, Duration = TimeSpan.FromSeconds(1), Prefill = 0 };
        await using var target = await LoadTargets.CreateAsync($"objectstore:{server.BaseUrl}", 2, CancellationToken.None);
        var result = await LoadRunner.RunAsync(spec, target, TextWriter.Null, CancellationToken.None);

        Assert.False(result.Failed, Describe(result) + server.Output);
        var batch = result.Operations["batch"];
        Assert.True(batch.Count >= 50, Describe(result));
        Assert.Equal(0, batch.Count % 50);
        Assert.Equal(batch.Count, result.Operations["cleanup"].Count);
    }

    [Fact]
    public async Task Hot_reads_in_throughput_mode_have_no_failures()
    {
        var spec = s_short with { Mode = WorkloadMode.Throughput, Actions = new ActionWeights(20, 200, 0), Reads = ReadPattern.Hot, HotKeys = 4 };
        await using var target = await LoadTargets.CreateAsync($"objectstore:{server.BaseUrl}", LoadRunner.RequestsInFlight(spec), CancellationToken.None);
        var result = await LoadRunner.RunAsync(spec, target, TextWriter.Null, CancellationToken.None);

        Assert.False(result.Failed, Describe(result) + server.Output);
        Assert.True(result.Operations["read"].Count > 50, Describe(result));
        // Paced: about 20 writes per second for 2 s.
        Assert.InRange(result.Operations["write"].Count, 10, 60);
    }
}

public sealed class FileSystemTargetTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "os-bench-fs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_short_run_against_the_fs_target_has_no_failures_and_leaves_nothing_behind()
    {
        var spec = new LoadSpec { Concurrency = 4, Duration = TimeSpan.FromSeconds(2), Actions = new ActionWeights(8, 1, 1), Prefill = 10 };
        await using var target = await LoadTargets.CreateAsync($"fs:{_directory}", 4, CancellationToken.None);
        var result = await LoadRunner.RunAsync(spec, target, TextWriter.Null, CancellationToken.None);

        Assert.False(result.Failed, LoadReport.Markdown([result]));
        Assert.True(result.Operations["read"].Count > 0);
        Assert.Empty(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_warm_up_runs_the_workload_first_and_is_not_counted()
    {
        var spec = new LoadSpec { Concurrency = 2, Duration = TimeSpan.FromSeconds(0.5), Warmup = TimeSpan.FromSeconds(0.5), Actions = new ActionWeights(1, 0, 0) };
        await using var inner = await LoadTargets.CreateAsync($"fs:{_directory}", 2, CancellationToken.None);
        var target = new CountingTarget(inner);
        var result = await LoadRunner.RunAsync(spec, target, TextWriter.Null, CancellationToken.None);

        Assert.False(result.Failed, LoadReport.Markdown([result]));
        Assert.True(target.Writes > result.Operations["write"].Count, $"{target.Writes} writes reached the target, {result.Operations["write"].Count} were measured");
        Assert.Equal(target.Writes, target.Deletes);   // the warm-up's objects are cleaned up too
        Assert.Empty(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
    }

    /// <summary>Counts the writes and deletes that reach the wrapped target.</summary>
    private sealed class CountingTarget(ILoadTarget inner) : ILoadTarget
    {
        private int _writes, _deletes;

        public int Writes => _writes;

        public int Deletes => _deletes;

        public string Kind => inner.Kind;

        public string Uri => inner.Uri;

        public bool SupportsBatch => false;

        public long? MaxObjectSize => inner.MaxObjectSize;

        public Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
        {
            Interlocked.Increment(ref _writes);
            return inner.WriteAsync(spec, item, ct);
        }

        public Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct) => inner.ReadAsync(spec, stored, ct);

        public Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
        {
            Interlocked.Increment(ref _deletes);
            return inner.DeleteAsync(spec, stored, ct);
        }

        public Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct) => throw new NotSupportedException();

        public Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_corrupted_file_fails_its_read()
    {
        var spec = new LoadSpec();
        await using var target = await LoadTargets.CreateAsync($"fs:{_directory}", 1, CancellationToken.None);
        var stored = await target.WriteAsync(spec, new ObjectToWrite(0, 10_000, 9), CancellationToken.None);
        var path = Path.Combine(_directory, stored.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[5000] ^= 0x80;
        await File.WriteAllBytesAsync(path, bytes);

        var e = await Assert.ThrowsAsync<PayloadMismatchException>(() => target.ReadAsync(spec, stored, CancellationToken.None));
        Assert.Contains("byte 5000", e.Message);
    }
}
