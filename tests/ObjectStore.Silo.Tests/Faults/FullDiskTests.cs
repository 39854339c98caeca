using System.Diagnostics;
using ObjectStore.Silo.Tests.Conformance;
using ObjectStore.Testing;

namespace ObjectStore.Silo.Tests.Faults;

/// <summary>
/// The embedded default on a real size-limited file system (a 40 MiB tmpfs the test mounts; the suite runs as root)
/// filled to the last byte: writes answer 507 with a message, never 500; reads still work; deletes work and free
/// space (the disk reserve); writes resume without a restart.
/// </summary>
public sealed class FullDiskTests
{
    [Fact]
    public async Task A_full_disk_refuses_writes_with_507_but_reads_and_deletes_work_and_writes_resume()
    {
        var mount = Path.Combine(Path.GetTempPath(), $"os-fulldisk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mount);
        try
        {
            await using (var server = await ConformanceServer.StartAsync(("STORAGE__PATH", Path.Combine(mount, "data"))))
                await FillDeleteAndResumeAsync(server);
        }
        finally
        {
            // Lazily: pooled SQLite connections may still hold the database open for a moment after the server stopped.
            await RunAsync("umount", "-l", mount);
            Directory.Delete(mount);
        }
    }

    private static async Task FillDeleteAndResumeAsync(ConformanceServer server)
    {
        var random = new Random(7);
        var stored = new Dictionary<string, byte[]>();
        var refusals = new List<(int Status, string Detail)>();
        // Large objects (files tier) until the disk refuses, then ever smaller inline ones (SQLite) until it refuses those too.
        foreach (var (size, count) in ((int, int)[])[(2_000_000, 40), (100_000, 200), (10_000, 200), (1_000, 200)])
        {
            for (var i = 0; i < count; i++)
            {
                var bytes = new byte[size];
                random.NextBytes(bytes);
                var key = $"s{size}-{i}";
                var put = await server.SendAsync("PUT", $"/v1/objects/conformance/org=1/{key}", bytes);
                if (put.Status == 200)
                {
                    stored[key] = bytes;
                    continue;
                }
                refusals.Add((put.Status, Wire.Detail(put)));
                break;
            }
        }

        Assert.Equal(4, refusals.Count);
        Assert.All(refusals, r => Assert.Equal(507, r.Status));
        Assert.All(refusals, r => Assert.Contains("disk is full", r.Detail));

        // Reads work on the full disk.
        foreach (var key in (string[])["s2000000-0", "s100000-0"])
        {
            var read = await server.SendAsync("GET", $"/v1/objects/conformance/org=1/{key}");
            Assert.Equal(200, read.Status);
            Assert.Equal(stored[key], read.Body);
        }

        // Deletes work on the full disk (large and inline) and free space.
        foreach (var key in (string[])["s2000000-0", "s2000000-1", "s100000-0"])
            Assert.Equal(204, (await server.SendAsync("DELETE", $"/v1/objects/conformance/org=1/{key}")).Status);
        Assert.Equal(404, (await server.SendAsync("GET", "/v1/objects/conformance/org=1/s2000000-0")).Status);

        // Writes resume without a restart once the deleted blobs are gone (their cleanup runs in the background).
        var again = new byte[1_500_000];
        random.NextBytes(again);
        await Eventually.True(async () => (await server.SendAsync("PUT", "/v1/objects/conformance/org=1/again", again)).Status == 200,
            "a large write after the deletes");
        Assert.Equal(again, (await server.SendAsync("GET", "/v1/objects/conformance/org=1/again")).Body);
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/conformance/org=1/again-small", "small"u8.ToArray())).Status);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true }) ?? throw new InvalidOperationException($"could not run {file}");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error} — the full-disk test mounts a tmpfs and must run as root");
    }
}
