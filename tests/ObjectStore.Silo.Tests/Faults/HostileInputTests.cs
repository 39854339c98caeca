using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using ObjectStore.Silo.Tests.Auth;
using ObjectStore.Silo.Tests.Conformance;
using Xunit.Abstractions;

namespace ObjectStore.Silo.Tests.Faults;

/// <summary>
/// The hostile-input suite: thousands of generated requests (<see cref="HostileRequestGenerator"/>, seeded, so a
/// failure replays) against the embedded server with auth off and on. Every answer is below 500, the server stays
/// alive, objects stored before the storm read back byte-identical, no key a refused or dropped write named exists,
/// and the log holds no error and no stack trace.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int RequestsPerServer = 6_000;
    private const int Concurrency = 4;
    private const string Kid = "hostile_kid";
    private const string Usecase = "conformance";
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false, 20261205)]
    [InlineData(true, 20261206)]
    public async Task Generated_hostile_requests_never_get_a_5xx_and_store_nothing_they_were_refused(bool auth, int seed)
    {
        var log = new CapturedLog();
        var signer = new TestSigner();
        var pem = Path.Combine(Path.GetTempPath(), $"os-hostile-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pem, signer.PublicPem);
        (string, string)[] environment = auth
            ? [("AUTH__KEYS", $"{{{Kid}={{key_files=[\"{pem}\"],max_permissions=[\"object.read\",\"object.write\",\"object.delete\"]}}}}")]
            : [];
        await using var server = await ConformanceServer.StartAsync(log, environment);
        (string, string)[] admin = auth
            ? [("x-os-auth", "Bearer " + signer.Token(Kid, Usecase, new Dictionary<string, string> { ["org"] = "*" },
                ["object.read", "object.write", "object.delete"], DateTimeOffset.UtcNow.AddHours(1)))]
            : [];

        var baseline = await StoreBaselineAsync(server, admin, seed);
        var generator = new HostileRequestGenerator(seed, auth ? signer : null, Kid, Usecase, baseline.Keys.Select(k => "org=baseline/" + k).ToList());

        var statuses = new ConcurrentDictionary<string, int>();
        var serverErrors = new ConcurrentQueue<string>();
        var refusedKeys = new ConcurrentQueue<string>();
        var hung = 0;
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref sent) <= RequestsPerServer)
            {
                HostileRequest request;
                lock (generator) request = generator.Next();
                var answer = await ExchangeAsync(server.Port, request);
                statuses.AddOrUpdate(answer.Label, 1, (_, n) => n + 1);
                if (answer.TimedOut) Interlocked.Increment(ref hung);
                if (answer.Status >= 500) serverErrors.Enqueue($"{request.Kind} → {answer.Status}: {FirstLine(request.Bytes)} {answer.Detail}");
                if (request.WrittenKey is { } key && answer.Status is not (>= 200 and < 300)) refusedKeys.Enqueue(key);
            }
        })));

        var health = await server.SendAsync("GET", "/health");
        foreach (var (key, bytes) in baseline)
        {
            var read = await server.SendAsync("GET", $"/v1/objects/{Usecase}/org=baseline/{key}", headers: admin);
            Assert.Equal(200, read.Status);
            Assert.True(bytes.AsSpan().SequenceEqual(read.Body), $"baseline object {key} changed");
        }
        var stored = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(refusedKeys, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (key, _) =>
        {
            var read = await server.SendAsync("HEAD", $"/v1/objects/{Usecase}/{HostileRequestGenerator.FuzzScope}/{key}", headers: admin);
            if (read.Status != 404) stored.Enqueue($"{key}: {read.Status}");
        });
        // No error at all, and no stack trace from our own code; Kestrel's warnings are counted (see docs/RELIABILITY.md).
        var errors = log.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error
                                            || (e.Exception is not null && e.Category.StartsWith("ObjectStore", StringComparison.Ordinal))).ToList();
        var kestrelWarnings = log.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));

        File.Delete(pem);
        output.WriteLine($"auth {(auth ? "on" : "off")}, seed {seed}: {RequestsPerServer} requests, {serverErrors.Count} × 5xx, {hung} unanswered in {AnswerTimeout.TotalSeconds} s, " +
                         $"{refusedKeys.Count} refused or dropped writes checked ({stored.Count} stored), {errors.Count} error log entries, {kestrelWarnings} Kestrel warnings");
        output.WriteLine("answers: " + string.Join(", ", statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} × {p.Value}")));
        Assert.Equal(200, health.Status);
        Assert.True(serverErrors.IsEmpty, string.Join('\n', serverErrors.Take(20)));
        Assert.Equal(0, hung);
        Assert.True(stored.IsEmpty, string.Join('\n', stored.Take(20)));
        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(3).Select(e => e + "\n" + e.Exception)));
    }

    /// <summary>Objects of every size class (empty, inline, at and past the 1 MiB threshold, multi-MiB) stored before the storm.</summary>
    private static async Task<Dictionary<string, byte[]>> StoreBaselineAsync(ConformanceServer server, (string, string)[] admin, int seed)
    {
        var random = new Random(seed);
        var baseline = new Dictionary<string, byte[]>();
        foreach (var size in (int[])[0, 1, 100, 65_536, 1 << 20, (1 << 20) + 1, 3 << 20])
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            var key = $"b{size}";
            var put = await server.SendAsync("PUT", $"/v1/objects/{Usecase}/org=baseline/{key}", bytes, admin);
            Assert.Equal(200, put.Status);
            baseline[key] = bytes;
        }
        return baseline;
    }

    private readonly record struct Answer(int? Status, bool TimedOut, string Detail)
    {
        public string Label => TimedOut ? "timeout" : Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "closed";
    }

    /// <summary>Sends the request on a fresh connection; a dropping client closes at once, others read the status line.</summary>
    private static async Task<Answer> ExchangeAsync(int port, HostileRequest request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        try
        {
            await socket.SendAsync(request.Bytes);
        }
        catch (SocketException)
        {
            // The server may answer and close before taking the whole request; its answer is still there to read.
        }
        if (request.Drop)
        {
            socket.Close(0);
            return new Answer(null, false, "");
        }
        using var deadline = new CancellationTokenSource(AnswerTimeout);
        var received = new List<byte>();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var text = Encoding.Latin1.GetString(received.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    var status = int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
                    // A 5xx is reported with what follows its head (the detail), as far as it already arrived.
                    return new Answer(status, false, status >= 500 ? text[end..].Trim() : "");
                }
                var read = await socket.ReceiveAsync(buffer, deadline.Token);
                if (read == 0) return new Answer(null, false, "");
                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }
        catch (OperationCanceledException)
        {
            return new Answer(null, true, "");
        }
        catch (SocketException)
        {
            return new Answer(null, false, "");
        }
    }

    private static string FirstLine(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 300));
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
