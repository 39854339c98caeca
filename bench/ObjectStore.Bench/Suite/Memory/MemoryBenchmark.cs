using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using ObjectStore.Client.Http;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Testing;

namespace ObjectStore.Bench.Suite.Memory;

/// <summary>
/// Memory bounds of the embedded default: a fresh silo per measurement, its VmRSS sampled every ~20 ms. One client
/// streams a single generated object up (chunked) and back down (hash-verified) per size; then the orphan sweep lists
/// N unreferenced LT blobs put straight into the LT directory. Neither peak may grow with the size or the length.
/// </summary>
internal static class MemoryBenchmark
{
    private const long MiB = 1024 * 1024;
    private const string SweepFinished = "Orphan sweep finished";
    private const string SweepStopped = "Orphan sweep stopped";
    /// <summary>The shortest sweep interval the silo accepts (it is a reminder period): the first sweep starts this long after start.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    /// <summary>The object sizes measured.</summary>
    public static IReadOnlyList<long> ObjectSizes(bool quick) => quick ? [16 * MiB, 64 * MiB] : [256 * MiB, 1024 * MiB, 4096 * MiB];

    /// <summary>The object size of the resumable upload measured (chunk by chunk, as the newer clients upload).</summary>
    public static long ResumableSize(bool quick) => quick ? 32 * MiB : 2048 * MiB;

    /// <summary>The chunk size of the resumable upload: the largest a chunk test of the conformance suite uses.</summary>
    public static long ResumableChunk(bool quick) => quick ? 8 * MiB : 64 * MiB;

    /// <summary>The listing lengths measured.</summary>
    public static IReadOnlyList<int> ListingLengths(bool quick) => quick ? [2_000, 20_000] : [100_000, 1_000_000];

    /// <summary>Runs both measurements.</summary>
    public static async Task<MemoryResults> RunAsync(SuiteOptions options, MachineInfo machine, TextWriter log, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var large = new List<LargeObjectMemory>();
        foreach (var size in ObjectSizes(options.Quick)) large.Add(await LargeObjectAsync(options, size, null, log, ct));
        large.Add(await LargeObjectAsync(options, ResumableSize(options.Quick), ResumableChunk(options.Quick), log, ct));
        var listing = new List<ListingMemory>();
        foreach (var entries in ListingLengths(options.Quick))
        {
            // Without the sweep in the build a longer listing cannot do better: say so instead of creating it.
            if (listing.FirstOrDefault(l => l.FinishedLine is null && l.Error is not null) is { } missing)
                listing.Add(new ListingMemory { Entries = entries, Error = "not run: " + missing.Error });
            else
                listing.Add(await ListingAsync(options, entries, log, ct));
        }
        return new MemoryResults { Machine = machine, Started = started, Quick = options.Quick, Large = large, Listing = listing };
    }

    /// <summary>One object up and down; up as one chunked PUT, or as a resumable session of <paramref name="chunk"/>-byte chunks.</summary>
    private static async Task<LargeObjectMemory> LargeObjectAsync(SuiteOptions options, long size, long? chunk, TextWriter log, CancellationToken ct)
    {
        log.WriteLine($"[memory] {size / MiB} MiB object{(chunk is null ? "" : $", resumable in {chunk / MiB} MiB chunks")}: fresh embedded silo");
        await using var fleet = await SiloFleet.StartAsync(options.SiloDll, 1, new Dictionary<string, string>(), ct);
        var silo = fleet.Silos[0];
        await using var sampler = new RssSampler(silo.Pid);
        var ready = sampler.Now?.RssBytes ?? 0;
        var url = fleet.TargetUri["objectstore:".Length..] + "/v1/objects/memory/org=1;project=1/big";
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var row = new LargeObjectMemory { SizeBytes = size, ReadyRssBytes = ready, ResumableChunkBytes = chunk };
        try
        {
            sampler.Restart();
            var clock = Stopwatch.StartNew();
            byte[] sent;
            using (var payload = new GeneratedPayload(size, (ulong)size))
            {
                if (chunk is { } chunkBytes) await UploadResumableAsync(http, url, payload, size, chunkBytes, ct);
                else await UploadAsync(http, url, payload, ct);
                sent = payload.Hash();
            }
            var uploadSeconds = clock.Elapsed.TotalSeconds;
            var uploadPeak = sampler.PeakBytes;
            log.WriteLine($"[memory] {size / MiB} MiB up in {uploadSeconds:F1} s, peak RSS {uploadPeak / MiB} MiB");

            sampler.Restart();
            clock.Restart();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct))
            {
                if (response.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"GET answered {(int)response.StatusCode}");
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                var buffer = new byte[1 << 20];
                int n;
                while ((n = await body.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    received += n;
                }
            }
            var downloadSeconds = clock.Elapsed.TotalSeconds;
            var matches = received == size && hash.GetCurrentHash().AsSpan().SequenceEqual(sent);
            log.WriteLine($"[memory] {size / MiB} MiB down in {downloadSeconds:F1} s, peak RSS {sampler.PeakBytes / MiB} MiB, hash {(matches ? "matches" : "DIFFERS")}");
            return row with
            {
                UploadPeakRssBytes = uploadPeak,
                DownloadPeakRssBytes = sampler.PeakBytes,
                HwmBytes = sampler.Now?.HwmBytes ?? 0,
                UploadSeconds = uploadSeconds,
                DownloadSeconds = downloadSeconds,
                HashMatches = matches,
                Error = matches ? null : $"downloaded {received} bytes that do not hash to the upload",
            };
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            log.WriteLine($"[memory] {size / MiB} MiB failed: {e.Message}");
            return row with { Error = e.Message };
        }
    }

    private static async Task UploadAsync(HttpClient http, string url, Stream payload, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(payload, 1 << 20) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("x-sn-expiration", "manual");
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"PUT answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>Creates a resumable session and sends <paramref name="payload"/> as consecutive chunks, each with its offset (docs/api.md).</summary>
    private static async Task UploadResumableAsync(HttpClient http, string url, Stream payload, long size, long chunk, CancellationToken ct)
    {
        using var create = new HttpRequestMessage(HttpMethod.Put, url + "?upload_type=resumable") { Content = new ByteArrayContent([]) };
        create.Headers.Add("upload-length", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        create.Headers.Add("x-sn-expiration", "manual");
        using var created = await http.SendAsync(create, ct);
        var body = await created.Content.ReadAsStringAsync(ct);
        if (created.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"resumable create answered {(int)created.StatusCode}: {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        var session = json.RootElement.GetProperty("session").GetString();
        for (long offset = 0; offset < size; offset += chunk)
        {
            var length = Math.Min(chunk, size - offset);
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{url}?session={Uri.EscapeDataString(session!)}")
            {
                Content = new StreamContent(new LengthLimitedStream(payload, length), 1 << 20),
            };
            request.Content.Headers.ContentLength = length;
            request.Headers.Add("upload-offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request, ct);
            var expected = offset + length == size ? HttpStatusCode.Created : HttpStatusCode.NoContent;
            if (response.StatusCode != expected)
                throw new HttpRequestException($"chunk at {offset} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static async Task<ListingMemory> ListingAsync(SuiteOptions options, int entries, TextWriter log, CancellationToken ct)
    {
        log.WriteLine($"[memory] listing {entries:N0} LT entries: creating them");
        var clock = Stopwatch.StartNew();
        var prepared = TempRoot.Create("os-bench-lt");
        try
        {
            await CreateEntriesAsync(Path.Combine(prepared, "blobs"), entries, ct);
            var createSeconds = clock.Elapsed.TotalSeconds;
            log.WriteLine($"[memory] {entries:N0} entries in {createSeconds:F0} s; starting the silo with a 1 min sweep interval");
            var finished = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var fleet = await SiloFleet.StartAsync(options.SiloDll, 1, new Dictionary<string, string>
                {
                    ["OS__STORAGE__ORPHAN_SWEEP__INTERVAL"] = "1m",
                    ["OS__STORAGE__ORPHAN_SWEEP__GRACE"] = "1000h",
                }, ct,
                onLine: (_, line) =>
                {
                    if (line.Contains(SweepFinished, StringComparison.Ordinal) || line.Contains(SweepStopped, StringComparison.Ordinal))
                        finished.TrySetResult(line.Trim());
                },
                prepareDataDirectory: data => Directory.Move(Path.Combine(prepared, "blobs"), Path.Combine(data, "blobs")));
            var silo = fleet.Silos[0];
            await using var sampler = new RssSampler(silo.Pid);
            var ready = sampler.Now?.RssBytes ?? 0;
            clock.Restart();
            var timeout = SweepInterval + TimeSpan.FromSeconds(Math.Max(30, entries / 3_000.0));
            var done = await Task.WhenAny(finished.Task, Task.Delay(timeout, ct));
            if (done != finished.Task)
            {
                var reason = $"no '{SweepFinished}' line within {timeout.TotalSeconds:F0} s (is the orphan sweep in this build?)";
                log.WriteLine($"[memory] listing {entries:N0}: {reason}");
                return new ListingMemory { Entries = entries, CreateSeconds = createSeconds, ReadyRssBytes = ready, PeakRssBytes = sampler.PeakBytes, Error = reason };
            }
            var line = await finished.Task;
            if (line.Contains(SweepStopped, StringComparison.Ordinal))
                return new ListingMemory { Entries = entries, CreateSeconds = createSeconds, ReadyRssBytes = ready, PeakRssBytes = sampler.PeakBytes, FinishedLine = line, Error = "the sweep stopped early" };
            log.WriteLine($"[memory] listing {entries:N0}: {line}; peak RSS {sampler.PeakBytes / MiB} MiB");
            return new ListingMemory
            {
                Entries = entries,
                CreateSeconds = createSeconds,
                ReadyRssBytes = ready,
                PeakRssBytes = Math.Max(sampler.PeakBytes, ready),
                SweepSeconds = System.Text.RegularExpressions.Regex.Match(line, @" in (\d+) ms") is { Success: true } ms
                    ? long.Parse(ms.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 1000.0
                    : clock.Elapsed.TotalSeconds,
                FinishedLine = line,
            };
        }
        finally
        {
            TempRoot.TryDelete(prepared);
        }
    }

    /// <summary>
    /// Puts <paramref name="entries"/> one-byte unreferenced blobs into a filesystem LT store rooted at
    /// <paramref name="root"/>, spread over 1,000 scopes so no directory holds more than a thousand. The store writes
    /// the first one; the rest are hard links, in the store's layout, to copies of that first blob and sidecar (a listing
    /// reads names, sizes and times and only checks the sidecar exists; two million new files would take ten minutes
    /// on this disk, links take one).
    /// </summary>
    public static async Task CreateEntriesAsync(string root, int entries, CancellationToken ct)
    {
        const int LinksPerTemplate = 60_000; // ext4 allows 65,000 links to one inode
        var store = new FileSystemLongTermStore(root);
        await store.InitializeAsync(ct);
        byte[] payload = [42];
        await store.PutAsync(Entry(0), new ObjectMetadata(), new MemoryStream(payload, writable: false), payload.Length, ct);
        var objects = Path.Combine(root, "objects");
        var templates = Path.Combine(root, "bench-templates"); // outside objects/ and long/: never listed
        Directory.CreateDirectory(templates);
        for (var t = 0; t * LinksPerTemplate < entries; t++)
        {
            File.Copy(Path.Combine(objects, EncodedPath(0)) + ".blob", Path.Combine(templates, $"{t}.blob"));
            File.Copy(Path.Combine(objects, EncodedPath(0)) + ".meta", Path.Combine(templates, $"{t}.meta"));
        }
        for (var scope = 0; scope < Math.Min(entries, 1000); scope++) Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(objects, EncodedPath(scope)))!);
        Parallel.For(1, entries, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, i =>
        {
            var stem = Path.Combine(objects, EncodedPath(i));
            var template = Path.Combine(templates, (i / LinksPerTemplate).ToString(System.Globalization.CultureInfo.InvariantCulture));
            HardLink.Create(template + ".blob", stem + ".blob");
            HardLink.Create(template + ".meta", stem + ".meta");
        });
        // The store wrote entry 0 at the path EncodedPath gives (the copies above found it), so the layout holds for all:
        // every name has the same form. The links' sidecars name entry 0's path; reads would refuse them, listings do not read them.
        await using var read = await store.GetAsync(Entry(0), null, ct)
            ?? throw new InvalidOperationException("the first LT entry does not read back through the store");
    }

    private static ObjectId Entry(int i) => new("memory",
        Scopes.Create(new Scope("org", (i % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture))),
        "entry-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // The store's segment encoding for these names: [a-z0-9_-] kept, '.' escaped as %2E (FileSystemLayout).
    private static string EncodedPath(int i) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"memory/org%2E{i % 1000}/objects/entry-{i}");
}

/// <summary>link(2), which .NET does not wrap.</summary>
internal static class HardLink
{
    /// <summary>Creates <paramref name="link"/> as another name of <paramref name="existing"/>; throws <see cref="IOException"/> with errno on failure.</summary>
    public static void Create(string existing, string link)
    {
        if (Link(existing, link) != 0)
            throw new IOException($"link({existing}, {link}) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string existing,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string link);
}
