using System.Diagnostics;
using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;
using Xunit.Abstractions;

namespace ObjectStore.Silo.Tests.Cluster;

/// <summary>
/// Three silo processes on a PostgreSQL of their own and moto behind a cuttable proxy, under a bounded mixed load:
/// PostgreSQL stopped for 30 s and started again, then S3 unreachable for 15 s. During each outage the requests that
/// need the dependency are 503 + Retry-After naming it, never another 5xx; /ready follows PostgreSQL; afterwards the
/// service resumes by itself, every acknowledged write reads back, and the bucket is left with only referenced blobs
/// and no multipart upload. The seconds are measured and printed (RELIABILITY.md), not asserted; the bounds only turn
/// a service that never resumes into a failure.
/// </summary>
[Collection(nameof(SiloProcessCluster))]
public sealed class DependencyOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PostgresOutage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan S3Outage = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task PostgreSQL_down_30_s_and_S3_cut_15_s_under_load_are_503s_the_service_resumes_and_nothing_is_lost_or_left()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var moto = await MotoS3Server.Shared;
        await using var s3 = LoopbackProxy.Start(0, new IPEndPoint(IPAddress.Loopback, moto.Port));
        await using var cluster = await SiloProcessCluster.StartAsync(3, s3Endpoint: $"http://127.0.0.1:{s3.Port}", postgres: postgres);
        var scopes = $"org={Guid.NewGuid():N}";
        await OrleansClusterTests.WaitUntilEveryPairWorksAsync(cluster, scopes);

        var load = new MixedLoad(cluster, scopes);
        using var stopLoad = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        var running = load.RunAsync(workers: 4, maxOperations: 3_000, pace: TimeSpan.FromMilliseconds(40), stopLoad.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));

        // PostgreSQL stopped (fast shutdown: every session terminated), then started on the same data directory.
        var pgDown = load.Now;
        await postgres.StopAsync();
        for (var silo = 0; silo < 3; silo++)
            await Eventually.True(() => ReadyAsync(cluster, silo, HttpStatusCode.ServiceUnavailable), $"/ready on silo {silo} is 503 while PostgreSQL is down", 10_000);
        await Task.Delay(PostgresOutage - TimeSpan.FromSeconds(load.Now - pgDown));
        await postgres.RestartAsync();
        var pgUp = load.Now;
        var pgResumed = await SecondsUntilEverySiloAsync(cluster, silo => SmallRoundTripAsync(cluster, scopes, silo), "a small PUT and GET");
        var readyAgain = await SecondsUntilEverySiloAsync(cluster, silo => ReadyAsync(cluster, silo, HttpStatusCode.OK), "/ready 200");

        // S3 unreachable: the proxy drops every connection and refuses new ones.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var s3Down = load.Now;
        s3.Cut();
        await Task.Delay(S3Outage);
        s3.Restore();
        var s3Up = load.Now;
        var s3Resumed = await SecondsUntilEverySiloAsync(cluster, silo => LargePutAsync(cluster, scopes, silo), "a large PUT");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stopLoad.CancelAsync();
        await running;

        var answers = load.Answers;
        var report = new StringBuilder();
        report.AppendLine($"{answers.Count} requests, {load.Acknowledged} acknowledged writes; PostgreSQL down {pgUp - pgDown:F1} s, S3 cut {s3Up - s3Down:F1} s");
        report.AppendLine($"after PostgreSQL: small PUT+GET on every silo in {pgResumed:F1} s, /ready 200 on every silo in {readyAgain:F1} s; after S3: large PUT on every silo in {s3Resumed:F1} s");
        foreach (var group in answers.GroupBy(a => (Window(a, pgDown, pgUp, s3Down, s3Up), a.Operation, a.Status)).OrderBy(g => g.Key))
            report.AppendLine($"  {group.Key.Item1,-12} {group.Key.Operation,-9} {group.Key.Status}: {group.Count()}");

        // Every answer is a success, a 404, or a 503 + Retry-After naming the dependency that was away; no other 5xx,
        // no dropped connection. While only S3 is away, what does not need S3 succeeds.
        var wrong = answers.Where(a => a.Status is >= 500 or 0 && !(a.Status == 503 && a.RetryAfter && NamesWhatWasAway(a, pgDown, pgUp, s3Down, s3Up)))
            .Concat(answers.Where(a => a.Status == 503 && !a.NeedsS3 && a.At > s3Down && a.AnsweredAt < s3Up && a.Detail.Contains("S3", StringComparison.Ordinal)))
            .ToList();
        var fiveHundreds = answers.Count(a => a.Status >= 500);
        report.AppendLine($"5xx: {fiveHundreds} (503: {answers.Count(a => a.Status == 503)}), unexpected answers: {wrong.Count}");

        // Every acknowledged write reads back (through every silo in turn).
        var lost = load.Mismatches.Concat(await load.VerifyAsync()).ToList();
        report.AppendLine($"lost writes: {lost.Count}");

        // One recovery period later the bucket holds only what HV references, and no multipart upload.
        var (blobs, orphansAtEnd, uploadsAtEnd) = await LeftoversAsync(cluster, scopes);
        var cleaned = Stopwatch.StartNew();
        var (orphans, uploads) = (orphansAtEnd, uploadsAtEnd);
        while ((orphans > 0 || uploads > 0) && cleaned.Elapsed < RecoveryPeriod)
        {
            await Task.Delay(500);
            (blobs, orphans, uploads) = await LeftoversAsync(cluster, scopes);
        }
        report.AppendLine($"when the load stopped: {blobs} blobs, {orphansAtEnd} unreferenced, {uploadsAtEnd} multipart uploads; " +
            $"{cleaned.Elapsed.TotalSeconds:F1} s later: {orphans} unreferenced blobs, {uploads} multipart uploads");
        output.WriteLine(report.ToString());

        Assert.True(wrong.Count == 0, $"{wrong.Count} unexpected answers:\n{string.Join('\n', wrong.Take(30))}\n{report}\n{cluster.Output()}");
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes lost:\n{string.Join('\n', lost.Take(30))}\n{report}");
        Assert.True(answers.Any(a => a.NeedsS3 && a.Status == 503 && a.At > s3Down) && answers.Any(a => !a.NeedsS3 && a.Status == 503 && a.At > pgDown && a.At < pgUp)
                    && answers.Any(a => a.Operation == MixedLoad.Operation.PutSmall && a.Status == 200 && a.At > s3Down && a.AnsweredAt < s3Up),
            $"the load did not meet both outages:\n{report}");
        Assert.True(blobs > 0, $"the bucket listing found no blob under the scope, so it cannot tell an orphan\n{report}");
        Assert.True(orphans == 0 && uploads == 0, $"{orphans} unreferenced blobs and {uploads} multipart uploads left\n{report}\n{cluster.Output()}");
    }

    /// <summary>
    /// How long the cleanup of writes failed by an outage may take. An abandoned write is the writer's job loop's, which
    /// retries with backoff up to 30 s. A commit that took its entry and then lost PostgreSQL has an unknown outcome: its
    /// entry waits the unknown-outcome delay (1 min) and then the next recovery tick (1 min), as a CI run under load showed.
    /// </summary>
    private static readonly TimeSpan RecoveryPeriod = TimeSpan.FromMinutes(2.5);

    private static string Window(MixedLoad.Answer a, double pgDown, double pgUp, double s3Down, double s3Up) =>
        a.AnsweredAt < pgDown ? "before" : a.At < pgUp ? "PostgreSQL" : a.AnsweredAt < s3Down ? "between" : a.At < s3Up ? "S3" : "after";

    /// <summary>
    /// Whether a 503 names the dependency that was away when it was sent or answered: PostgreSQL from its stop until
    /// the request after its restart that found a pooled connection broken; S3 for the large objects during the cut.
    /// </summary>
    private static bool NamesWhatWasAway(MixedLoad.Answer a, double pgDown, double pgUp, double s3Down, double s3Up) =>
        (a.AnsweredAt >= pgDown && a.At <= pgUp + 5 && a.Detail.Contains("PostgreSQL", StringComparison.Ordinal))
        || (a.NeedsS3 && a.AnsweredAt >= s3Down && a.At <= s3Up + 5 && a.Detail.Contains("S3", StringComparison.Ordinal));

    /// <summary>Seconds until <paramref name="works"/> held on every silo (each polled in turn); 60 s at most.</summary>
    private static async Task<double> SecondsUntilEverySiloAsync(SiloProcessCluster cluster, Func<int, Task<bool>> works, string what)
    {
        var since = Stopwatch.StartNew();
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            var s = silo;
            await Eventually.True(() => works(s), $"{what} on silo {s} works again", 60_000);
        }
        return since.Elapsed.TotalSeconds;
    }

    private static async Task<bool> ReadyAsync(SiloProcessCluster cluster, int silo, HttpStatusCode expected)
    {
        using var response = await cluster.Http.GetAsync(cluster.Url(silo, "/ready"));
        return response.StatusCode == expected;
    }

    internal static async Task<bool> SmallRoundTripAsync(SiloProcessCluster cluster, string scopes, int silo)
    {
        var url = cluster.Url(silo, $"/v1/objects/interop/{scopes}/probe-{silo}");
        var body = Encoding.UTF8.GetBytes($"probe {Guid.NewGuid()}");
        using var put = await cluster.Http.PutAsync(url, new ByteArrayContent(body));
        if (put.StatusCode != HttpStatusCode.OK) return false;
        using var get = await cluster.Http.GetAsync(url);
        return get.StatusCode == HttpStatusCode.OK && (await get.Content.ReadAsByteArrayAsync()).AsSpan().SequenceEqual(body);
    }

    private static async Task<bool> LargePutAsync(SiloProcessCluster cluster, string scopes, int silo)
    {
        var content = new StreamContent(new GeneratedPayload(MixedLoad.LargeSize, (ulong)silo + 1));
        content.Headers.ContentLength = MixedLoad.LargeSize;
        try
        {
            using var put = await cluster.Http.PutAsync(cluster.Url(silo, $"/v1/objects/interop/{scopes}/large-probe-{silo}"), content);
            return put.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// The blobs under <paramref name="scopes"/>, those no HV row points at (listed first, HV read after, so a blob
    /// written meanwhile cannot look unreferenced), and the bucket's multipart uploads.
    /// </summary>
    internal static async Task<(int Blobs, int Orphans, int Uploads)> LeftoversAsync(SiloProcessCluster cluster, string scopes)
    {
        var moto = await MotoS3Server.Shared;
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(MotoS3Server.AccessKey, MotoS3Server.SecretKey),
            new AmazonS3Config { ServiceURL = moto.Endpoint, AuthenticationRegion = MotoS3Server.Region, ForcePathStyle = true });
        var blobs = new List<string>();
        var list = new ListObjectsV2Request { BucketName = cluster.Bucket, Prefix = $"interop/{scopes.Replace('=', '.')}/objects/" };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(list);
            blobs.AddRange((page.S3Objects ?? []).Select(o => o.Key[list.Prefix.Length..]));
            list.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        var uploads = (await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = cluster.Bucket })).MultipartUploads?.Count ?? 0;

        var referenced = new HashSet<string>();
        await using (var connection = new NpgsqlConnection(cluster.Database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT convert_from(target_key, 'UTF8') FROM hv_objects WHERE kind = 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) referenced.Add(reader.GetString(0));
        }
        return (blobs.Count, blobs.Count(b => !referenced.Contains(b)), uploads);
    }
}
