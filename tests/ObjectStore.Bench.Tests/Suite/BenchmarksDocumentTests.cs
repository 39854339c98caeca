using System.Text.Json;
using ObjectStore.Bench.Suite;
using ObjectStore.Bench.Suite.Client;
using ObjectStore.Bench.Suite.Failover;
using ObjectStore.Bench.Suite.Memory;
using ObjectStore.Bench.Suite.Report;
using static ObjectStore.Bench.Tests.Suite.SuiteFixtures;

namespace ObjectStore.Bench.Tests.Suite;

public sealed class BenchmarksDocumentTests
{
    private static async Task<SuiteGroup> RoundTripAsync(SuiteGroup group)
    {
        var path = Path.Combine(Path.GetTempPath(), $"suite-{Guid.NewGuid():N}.json");
        try
        {
            await SuiteJson.WriteAsync(path, group, CancellationToken.None);
            return await SuiteJson.ReadAsync<SuiteGroup>(path, CancellationToken.None);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_document_lists_every_ratio_from_the_json_of_a_group()
    {
        var group = await RoundTripAsync(Group("small",
            Run("small 97/2/1", "embedded", false, 16, bytesPerSecond: 2_000_000, p99Ms: 4),
            Run("small 97/2/1", "nginx", true, 16, bytesPerSecond: 1_000_000, p99Ms: 8)));

        var text = BenchmarksDocument.Markdown(new ReportInputs([group], null, null, Charts: false, WallTime: "9 min 30 s"));

        Assert.Contains("| small 97/2/1 | embedded | nginx | 16 | 2.00 | 0.50 |", text);
        Assert.Contains("| small 97/2/1 | embedded | result | 16 | write | 1,000 | 0 | 100 | 1.9 | 1.00 | 2.00 | 4.00 | 8.0 |", text);
        Assert.Contains("9 min 30 s", text);
        Assert.Contains("2 cores (Test CPU)", text);
        Assert.Contains("Worst throughput ratio**: small 97/2/1, embedded vs nginx at 16 in flight: 2.00", text);
        Assert.DoesNotContain("--quick", text.Split("## Machine")[1].Split("## Every ratio")[0]);
    }

    [Fact]
    public void A_run_on_a_loaded_machine_says_so_with_its_load_averages()
    {
        var busy = Group("small", Run("small", "embedded", false, 16, 1, 1)) with { LoadAverage = "12.50 9.00 8.00" };
        var quiet = Group("medium", Run("medium", "embedded", false, 16, 1, 1));

        Assert.Contains("ranged 1.0–12.5 on 2 cores", BenchmarksDocument.Markdown(new ReportInputs([quiet, busy], null, null, false, null)));
        Assert.DoesNotContain("A loaded machine", BenchmarksDocument.Markdown(new ReportInputs([quiet], null, null, false, null)));
    }

    [Fact]
    public void Groups_from_separate_runs_are_dated_as_a_range_not_by_the_first()
    {
        var morning = Group("small", Run("small", "embedded", false, 16, 1, 1));
        var evening = Group("batch", Run("batch", "embedded", false, 4, 1, 1)) with { Started = morning.Started.AddHours(9) };
        var sameRun = Group("medium", Run("medium", "embedded", false, 16, 1, 1)) with { Started = morning.Started.AddMinutes(3) };

        Assert.Contains($"Groups measured between {morning.Started:yyyy-MM-dd HH:mm} and {evening.Started:yyyy-MM-dd HH:mm} UTC, in separate runs",
            BenchmarksDocument.Markdown(new ReportInputs([morning, evening], null, null, false, null)));
        Assert.Contains($"Measured {morning.Started:yyyy-MM-dd HH:mm} UTC.", BenchmarksDocument.Markdown(new ReportInputs([morning, sameRun], null, null, false, null)));
    }

    [Fact]
    public void A_failed_run_shows_its_first_error_and_gives_no_ratio()
    {
        var group = Group("small",
            Run("small", "embedded", false, 16, 2_000_000, 4, failures: 3),
            Run("small", "nginx", true, 16, 1_000_000, 8));

        var text = BenchmarksDocument.Markdown(new ReportInputs([group], null, null, false, null));

        Assert.Contains("first write error: 500 Internal Server Error", text);
        Assert.Contains("No ratios", text);
    }

    [Fact]
    public void The_memory_table_says_whether_peak_rss_grows_with_the_object_size()
    {
        const long MiB = 1024 * 1024;
        LargeObjectMemory Row(long size, long peak) => new()
        {
            SizeBytes = size, ReadyRssBytes = 70 * MiB, UploadPeakRssBytes = peak, DownloadPeakRssBytes = peak - MiB, HashMatches = true,
            UploadSeconds = 1, DownloadSeconds = 1,
        };
        var flat = new MemoryResults { Machine = Machine, Large = [Row(256 * MiB, 90 * MiB), Row(4096 * MiB, 95 * MiB)] };
        var growing = new MemoryResults { Machine = Machine, Large = [Row(256 * MiB, 90 * MiB), Row(4096 * MiB, 900 * MiB)] };

        var flatText = BenchmarksDocument.Markdown(new ReportInputs([], flat, null, false, null));
        var growingText = BenchmarksDocument.Markdown(new ReportInputs([], growing, null, false, null));

        Assert.Contains("| 4 GiB | 70 | 95 | 94 |", flatText);
        Assert.Contains("Peak RSS does not grow with the object size: 90 MiB at 256 MiB, 95 MiB at 4 GiB", flatText);
        Assert.Contains("**grows with the object size**", growingText);
    }

    [Fact]
    public void A_missing_sweep_line_is_reported_as_a_missing_listing_figure()
    {
        var memory = new MemoryResults { Machine = Machine, Listing = [new ListingMemory { Entries = 100_000, Error = "no 'Orphan sweep finished' line within 30 s" }] };

        var text = BenchmarksDocument.Markdown(new ReportInputs([], memory, null, false, null));

        Assert.Contains("| 100,000 |", text);
        Assert.Contains("The listing figure is missing", text);
    }

    [Fact]
    public void The_failover_table_has_every_run_with_a_median_and_worst_per_fault_and_shows_a_failed_one()
    {
        var failover = new FailoverResults
        {
            Machine = Machine,
            LoadAverage = "3.00 2.00 1.00",
            Runs =
            [
                new FailoverRun { Fault = "KILL", Run = 1, Objects = 30, SecondsUntilReadable = 1.6, FailedReads = 12 },
                new FailoverRun { Fault = "KILL", Run = 2, Objects = 30, SecondsUntilReadable = 2.4, FailedReads = 20 },
                new FailoverRun { Fault = "KILL", Run = 3, Objects = 30, SecondsUntilReadable = 1.2, FailedReads = 9 },
                new FailoverRun { Fault = "STOP", Run = 1, Objects = 30, Error = "3 of 30 writes not readable 60 s after SIGSTOP" },
            ],
        };

        var text = BenchmarksDocument.Markdown(new ReportInputs([], null, null, false, null) { Failover = failover });

        Assert.Contains("| SIGKILL | 2 | 30 | 2.4 | 20 |", text);
        Assert.Contains("SIGKILL: median 1.6 s, worst 2.4 s over 3 runs.", text);
        Assert.Contains("| SIGSTOP | 1 | 30 | **3 of 30 writes not readable 60 s after SIGSTOP** | 0 |", text);
        Assert.DoesNotContain("SIGSTOP: median", text);
        Assert.True(failover.Failed);
    }

    [Fact]
    public void An_earlier_build_is_compared_row_by_row_on_its_own_ratios_and_ping_rates()
    {
        var now = Group("small",
            Run("small 97/2/1", "3-silo PG+S3", false, 16, bytesPerSecond: 300, p99Ms: 4, opsPerSecond: 600),
            Run("small 97/2/1", "postgres", true, 16, bytesPerSecond: 1000, p99Ms: 2));
        var before = Group("small",
            Run("small 97/2/1", "3-silo PG+S3", false, 16, bytesPerSecond: 100, p99Ms: 9, opsPerSecond: 200),
            Run("small 97/2/1", "postgres", true, 16, bytesPerSecond: 1000, p99Ms: 2),
            Run("small 97/2/1", "1-silo PG+S3", false, 16, bytesPerSecond: 100, p99Ms: 9));
        using var pingNow = JsonDocument.Parse(PingJson(("local", 900_000), ("local", 1)));
        using var pingBefore = JsonDocument.Parse(PingJson(("local", 600_000)));
        var inputs = new ReportInputs([now], null, null, false, null) { Before = new EarlierBuild("the old runtime", [before], pingBefore.RootElement.Clone()) };

        var text = BenchmarksDocument.Markdown(inputs);
        var section = text.Split("## Compared with an earlier build")[1].Split("## What limits")[0];

        Assert.Contains("with the old runtime:", section);
        Assert.Contains("| small 97/2/1 | 3-silo PG+S3 | postgres | 16 | 200 | 600 | 0.10 | 0.30 |", section);
        Assert.DoesNotContain("1-silo", section);
        Assert.DoesNotContain("Grain-call ping (calls/s", section);

        var withPing = BenchmarksDocument.Markdown(inputs with { Ping = pingNow });
        Assert.Contains("| local | 600,000 | 900,000 | 1.50 |", withPing);
    }

    [Fact]
    public async Task The_client_section_states_the_SDK_ratios_and_whether_the_CLI_s_peak_grows_with_the_file()
    {
        var group = await RoundTripAsync(Group("client",
            Run("client put", "embedded SDK", false, 16, bytesPerSecond: 900, p99Ms: 3),
            Run("client put", "embedded HttpClient", true, 16, bytesPerSecond: 1000, p99Ms: 2),
            Run("client batch", "embedded SDK batch", false, 4, bytesPerSecond: 3000, p99Ms: 500),
            Run("client batch", "embedded SDK single", true, 4, bytesPerSecond: 1000, p99Ms: 5)));
        static CliTransferRun Transfer(long mib, long putRssMiB) => new()
        {
            SizeBytes = mib << 20,
            HashMatches = true,
            ServerReadyRssKiB = 131 << 10,
            ServerLifetimePeakRssKiB = 170 << 10,
            Put = new CliTransferPhase { Seconds = 2, CliPeakRssKiB = putRssMiB << 10, ServerPeakRssKiB = 160 << 10 },
            Get = new CliTransferPhase { Seconds = 1, CliPeakRssKiB = 50 << 10, ServerPeakRssKiB = 165 << 10 },
        };
        var bounded = new CliTransferResults { Runs = [Transfer(64, 118), Transfer(1024, 127)] };
        var growing = new CliTransferResults { Runs = [Transfer(64, 118), Transfer(1024, 1100)] };

        var text = BenchmarksDocument.Markdown(new ReportInputs([group], null, null, false, null) { Cli = bounded });

        Assert.Contains("- client put: embedded SDK ÷ embedded HttpClient = 0.90× the throughput, 1.50× the p99.", text);
        Assert.Contains("- client batch: embedded SDK batch ÷ embedded SDK single = 3.00× the throughput", text);
        Assert.Contains("| 1 GiB | put | 2.0 | 512 | 127 | 131 | 160 | yes |", text);
        Assert.Contains("CLI `put` peak RSS does not grow with the object size: 118 MiB at 64 MiB, 127 MiB at 1 GiB.", text);
        Assert.Contains("CLI `put` peak RSS **grows with the object size**",
            BenchmarksDocument.Markdown(new ReportInputs([group], null, null, false, null) { Cli = growing }));
    }

    /// <summary>A ping results file as the ping command writes it, with one result per (scenario, calls/s).</summary>
    private static string PingJson(params (string Scenario, double Rate)[] results)
    {
        var rows = results.Select((r, i) => $$"""
            {"scenario": "{{r.Scenario}}", "run": {{i + 1}}, "capped": false, "calls": 1000, "failed": 0, "elapsedSeconds": 1,
             "callsPerSecond": {{r.Rate}}, "p50Microseconds": 1, "p90Microseconds": 2, "p99Microseconds": 3, "maxMicroseconds": 4,
             "allocatedBytesPerCall": 5, "loadAverageBefore": "1 1 1"}
            """);
        return $$"""
            {"settings": {"workers": 100, "blockSize": 500, "durationCapSeconds": 3}, "measuredAt": "2026-12-05T12:00:00Z",
             "results": [{{string.Join(",", rows)}}]}
            """;
    }
}
