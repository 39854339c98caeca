using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace ObjectStore.Silo.Tests.Cluster;

/// <summary>
/// A bounded mixed load on a silo cluster, for fault tests: a few workers, each owning its keys (so the last answer
/// about a key is its state), send small PUTs, large PUTs (over the 1 MiB inline threshold: S3), overwrites, GETs and
/// DELETEs round-robin over the silos, paced, until stopped or out of operations. Every answer is kept with its time;
/// every acknowledged write is kept as its SHA-256, with the writes answered otherwise since (they may or may not have
/// happened), so <see cref="VerifyAsync"/> can tell a lost write from an unacknowledged one.
/// </summary>
internal sealed class MixedLoad
{
    /// <summary>Above the inline threshold (1 MiB), so it goes to S3.</summary>
    public const int LargeSize = 1_200_000;

    private readonly SiloProcessCluster _cluster;
    private readonly string _scopes;
    private readonly int _keysPerWorker;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, KeyState> _keys = [];
    private readonly List<Answer> _answers = [];
    private readonly List<string> _mismatches = [];
    private readonly HashSet<int> _avoided = [];

    /// <summary>A load on <paramref name="cluster"/> in <paramref name="scopes"/> of usecase <c>interop</c>.</summary>
    public MixedLoad(SiloProcessCluster cluster, string scopes, int keysPerWorker = 10)
    {
        _cluster = cluster;
        _scopes = scopes;
        _keysPerWorker = keysPerWorker;
    }

    /// <summary>Seconds since the load was created: the time base of <see cref="Answer.At"/> and of <see cref="Now"/>.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Every answer so far (a copy).</summary>
    public IReadOnlyList<Answer> Answers { get { lock (_answers) return [.. _answers]; } }

    /// <summary>Reads during the load that found neither the acknowledged state nor an unacknowledged write since (lost writes).</summary>
    public IReadOnlyList<string> Mismatches { get { lock (_mismatches) return [.. _mismatches]; } }

    /// <summary>Writes acknowledged so far (PUT 200 and DELETE 204).</summary>
    public int Acknowledged { get { lock (_keys) return _keys.Values.Sum(k => k.Acks); } }

    /// <summary>
    /// Stops sending to <paramref name="silo"/> (and reading from it in <see cref="VerifyAsync"/>), as a load balancer does
    /// once the silo's health checks fail; requests already sent to it keep their answers.
    /// </summary>
    public void Avoid(int silo)
    {
        lock (_avoided) _avoided.Add(silo);
    }

    /// <summary>Sends to <paramref name="silo"/> again (a silo added to the cluster, once it answers).</summary>
    public void Admit(int silo)
    {
        lock (_avoided) _avoided.Remove(silo);
    }

    /// <summary>The <paramref name="n"/>-th silo (round-robin) among those not avoided.</summary>
    private int Pick(int n)
    {
        int[] live;
        lock (_avoided) live = Enumerable.Range(0, _cluster.Silos.Count).Where(s => !_avoided.Contains(s)).ToArray();
        return live[n % live.Length];
    }

    /// <summary>Runs <paramref name="workers"/> workers until <paramref name="stop"/> or <paramref name="maxOperations"/> each.</summary>
    public Task RunAsync(int workers, int maxOperations, TimeSpan pace, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w, maxOperations, pace, stop))));

    /// <summary>
    /// Reads every key the load touched from every silo in turn: an answer that is neither the last acknowledged state
    /// nor one of the unacknowledged writes after it is a lost write (its description is returned).
    /// </summary>
    public async Task<List<string>> VerifyAsync()
    {
        KeyValuePair<string, KeyState>[] keys;
        lock (_keys) keys = [.. _keys];
        var lost = new List<string>();
        for (var i = 0; i < keys.Length; i++)
        {
            var (key, state) = keys[i];
            var silo = Pick(i);
            using var response = await _cluster.Http.GetAsync(Url(silo, key), HttpCompletionOption.ResponseHeadersRead);
            var read = await ReadAsync(response);
            if (read is Read.Failed) lost.Add($"{key}: GET on silo {silo} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            else if (!state.Allows(read)) lost.Add($"{key}: silo {silo} has {read.Describe()}, acknowledged {state.Describe()}");
        }
        return lost;
    }

    private async Task WorkAsync(int worker, int maxOperations, TimeSpan pace, CancellationToken stop)
    {
        var random = new Random(worker * 7919 + 17);
        for (var i = 0; i < maxOperations && !stop.IsCancellationRequested; i++)
        {
            var key = $"w{worker}-k{random.Next(_keysPerWorker)}";
            var silo = Pick(worker + i);
            var roll = random.Next(100);
            var seed = (ulong)random.NextInt64(1, long.MaxValue);
            if (roll < 55) await PutAsync(silo, key, 100 + random.Next(8_000), seed);
            else if (roll < 63) await PutAsync(silo, key, LargeSize + random.Next(300_000), seed);
            else if (roll < 88) await GetAsync(silo, key);
            else await DeleteAsync(silo, key);
            try
            {
                await Task.Delay(pace, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PutAsync(int silo, string key, int length, ulong seed)
    {
        var written = new Read.Present(GeneratedPayload.HashOf(length, seed), length);
        var content = new StreamContent(new GeneratedPayload(length, seed));
        content.Headers.ContentLength = length;
        await SendAsync(silo, key, length >= LargeSize ? Operation.PutLarge : Operation.PutSmall, new HttpRequestMessage(HttpMethod.Put, Url(silo, key)) { Content = content },
            response => Task.FromResult(response.StatusCode == HttpStatusCode.OK), written);
    }

    private Task DeleteAsync(int silo, string key) =>
        SendAsync(silo, key, Operation.Delete, new HttpRequestMessage(HttpMethod.Delete, Url(silo, key)),
            response => Task.FromResult(response.IsSuccessStatusCode), new Read.Absent());

    private Task GetAsync(int silo, string key)
    {
        KeyState state;
        lock (_keys) state = _keys.TryGetValue(key, out var known) ? known : new KeyState();
        return SendAsync(silo, key, state.MayBeLarge ? Operation.GetLarge : Operation.GetSmall, new HttpRequestMessage(HttpMethod.Get, Url(silo, key)),
            async response =>
            {
                var read = await ReadAsync(response);
                if (read is Read.Failed) return false;
                // The worker owns the key: nothing was written to it since the state was taken.
                if (!state.Allows(read))
                    lock (_mismatches) _mismatches.Add($"GET {key} on silo {silo} during the load read {read.Describe()}, acknowledged {state.Describe()}");
                return true;
            }, written: null);
    }

    /// <summary>Sends one request; records the answer, and for a write, acknowledged or not, what it wrote.</summary>
    private async Task SendAsync(int silo, string key, Operation operation, HttpRequestMessage request, Func<HttpResponseMessage, Task<bool>> succeeded, Read? written)
    {
        var at = Now;
        int status;
        string detail;
        bool retryAfter;
        var ok = false;
        try
        {
            using (request)
            using (var response = await _cluster.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
            {
                status = (int)response.StatusCode;
                retryAfter = response.Headers.RetryAfter is not null;
                ok = await succeeded(response);
                detail = ok || status < 300 ? "" : await response.Content.ReadAsStringAsync();
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            (status, retryAfter, detail) = (0, false, $"{e.GetType().Name}: {e.Message}");
        }
        lock (_answers) _answers.Add(new Answer(at, Now, silo, key, operation, status, retryAfter, detail));
        if (written is null) return;
        lock (_keys)
        {
            if (!_keys.TryGetValue(key, out var state)) _keys[key] = state = new KeyState();
            state.Record(written, ok);
        }
    }

    private Uri Url(int silo, string key) => _cluster.Url(silo, $"/v1/objects/interop/{_scopes}/{key}");

    private static async Task<Read> ReadAsync(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.NotFound) return new Read.Absent();
        if (response.StatusCode != HttpStatusCode.OK) return new Read.Failed();
        await using var body = await response.Content.ReadAsStreamAsync();
        var (hash, length) = await GeneratedPayload.HashAsync(body);
        return new Read.Present(hash, length);
    }

    /// <summary>What one request was.</summary>
    public enum Operation { PutSmall, PutLarge, GetSmall, GetLarge, Delete }

    /// <summary>One answer: sent and answered at (load seconds), where, what, status (0: no answer), Retry-After present, the error detail.</summary>
    public sealed record Answer(double At, double AnsweredAt, int Silo, string Key, Operation Operation, int Status, bool RetryAfter, string Detail)
    {
        /// <summary>Whether the request needed S3 (a large object written or read).</summary>
        public bool NeedsS3 => Operation is Operation.PutLarge or Operation.GetLarge;

        public override string ToString() => $"{At:F1}-{AnsweredAt:F1}s {Operation} {Key} silo {Silo} -> {Status}{(RetryAfter ? " (Retry-After)" : "")} {Detail}";
    }

    /// <summary>A key's state as read or written.</summary>
    private abstract record Read
    {
        public sealed record Present(byte[] Hash, long Length) : Read;

        public sealed record Absent : Read;

        public sealed record Failed : Read;

        public bool Same(Read other) => (this, other) switch
        {
            (Present a, Present b) => a.Length == b.Length && a.Hash.AsSpan().SequenceEqual(b.Hash),
            (Absent, Absent) => true,
            _ => false,
        };

        public string Describe() => this switch
        {
            Present p => $"{p.Length} bytes sha256 {Convert.ToHexStringLower(p.Hash)[..12]}",
            Absent => "nothing",
            _ => "an error",
        };
    }

    /// <summary>A key's last acknowledged state (absent at first) and the unacknowledged writes since.</summary>
    private sealed class KeyState
    {
        private Read _acknowledged = new Read.Absent();
        private readonly List<Read> _unsure = [];

        public int Acks { get; private set; }

        public bool MayBeLarge => _unsure.Append(_acknowledged).Any(r => r is Read.Present { Length: >= LargeSize });

        public void Record(Read written, bool acknowledged)
        {
            if (!acknowledged)
            {
                _unsure.Add(written);
                return;
            }
            (_acknowledged, Acks) = (written, Acks + 1);
            _unsure.Clear();
        }

        public bool Allows(Read read) => _acknowledged.Same(read) || _unsure.Any(read.Same);

        public string Describe() => _acknowledged.Describe() + (_unsure.Count > 0 ? $" (+{_unsure.Count} unacknowledged writes)" : "");
    }
}
