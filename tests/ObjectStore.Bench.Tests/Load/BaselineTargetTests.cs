using ObjectStore.Bench.Load;

namespace ObjectStore.Bench.Tests.Load;

/// <summary>The database and S3 baselines against the throwaway servers of ObjectStore.Testing.</summary>
public sealed class BaselineTargetTests
{
    private static readonly LoadSpec s_short = new()
    {
        Concurrency = 4,
        Duration = TimeSpan.FromSeconds(1),
        Actions = new ActionWeights(6, 3, 1),
        Prefill = 10,
    };

    [Fact]
    public async Task The_postgres_baseline_runs_the_hv_statements_without_failures()
    {
        var postgres = await PostgresServer.Shared;
        var database = await postgres.CreateDatabaseAsync("benchload");
        await using var target = await LoadTargets.CreateAsync($"postgres:{database}", 4, CancellationToken.None);
        var result = await LoadRunner.RunAsync(s_short, target, TextWriter.Null, CancellationToken.None);

        Assert.False(result.Failed, LoadReport.Markdown([result]));
        Assert.True(result.Operations["read"].Count > 0);
        Assert.Equal(result.Operations["write"].Count + s_short.Prefill - result.Operations["delete"].Count, result.Operations["cleanup"].Count);
    }

    [Fact]
    public async Task The_postgres_baseline_refuses_objects_over_the_tier_threshold()
    {
        var postgres = await PostgresServer.Shared;
        var database = await postgres.CreateDatabaseAsync("benchload");
        await using var target = await LoadTargets.CreateAsync($"postgres:{database}", 1, CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => target.WriteAsync(new LoadSpec(), new ObjectToWrite(0, 2 * 1024 * 1024, 1), CancellationToken.None));
    }

    [Fact]
    public async Task The_sqlite_baseline_runs_the_hv_statements_on_a_wal_file_without_failures()
    {
        var directory = Directory.CreateTempSubdirectory("os-bench-sqlite");
        try
        {
            var file = Path.Combine(directory.FullName, "bench.db");
            await using (var target = await LoadTargets.CreateAsync($"sqlite:{file}", 4, CancellationToken.None))
            {
                var result = await LoadRunner.RunAsync(s_short, target, TextWriter.Null, CancellationToken.None);

                Assert.False(result.Failed, LoadReport.Markdown([result]));
                Assert.True(result.Operations["read"].Count > 0);
                Assert.Equal(result.Operations["write"].Count + s_short.Prefill - result.Operations["delete"].Count, result.Operations["cleanup"].Count);
                await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => target.WriteAsync(new LoadSpec(), new ObjectToWrite(0, 2 * 1024 * 1024, 1), CancellationToken.None));
            }
            // The store's journal mode: readers never wait for the writer.
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
            await connection.OpenAsync();
            await using var mode = connection.CreateCommand();
            mode.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_s3_baseline_runs_without_failures()
    {
        var s3 = await MotoS3Server.Shared;
        var spec = s_short with { Sizes = new SizeDistribution(64 * 1024, 512 * 1024, null), Concurrency = 2 };
        await using var target = await LoadTargets.CreateAsync($"s3:{s3.Endpoint}|{MotoS3Server.UniqueBucketName("benchload")}", 2, CancellationToken.None);
        var result = await LoadRunner.RunAsync(spec, target, TextWriter.Null, CancellationToken.None);

        Assert.False(result.Failed, LoadReport.Markdown([result]));
        Assert.True(result.Operations["read"].Count > 0);
    }

    [Fact]
    public async Task The_s3_baseline_uploads_large_objects_in_parts_and_reads_them_back()
    {
        var s3 = await MotoS3Server.Shared;
        // S3 wants parts of at least 5 MiB (all but the last).
        var spec = new LoadSpec { Multipart = new MultipartSpec(2, 5 * 1024 * 1024) };
        await using var target = await LoadTargets.CreateAsync($"s3:{s3.Endpoint}|{MotoS3Server.UniqueBucketName("benchload")}", 2, CancellationToken.None);
        var stored = await target.WriteAsync(spec, new ObjectToWrite(0, 11 * 1024 * 1024 + 3, 12), CancellationToken.None);

        await target.ReadAsync(spec, stored, CancellationToken.None);
        await Assert.ThrowsAsync<PayloadMismatchException>(() => target.ReadAsync(spec, stored with { Size = stored.Size - 1 }, CancellationToken.None));
        await target.DeleteAsync(spec, stored, CancellationToken.None);
    }
}
