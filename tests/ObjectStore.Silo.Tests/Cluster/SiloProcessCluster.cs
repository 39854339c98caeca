using System.Diagnostics;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.Silo.Tests.Cluster;

/// <summary>
/// Silos as separate <c>objectstore run</c> processes forming one Orleans cluster on a fresh PostgreSQL database
/// (HV, membership, reminders, grain state) and a fresh moto bucket (LT), each on its own loopback HTTP port; plus the
/// sample Orleans service (<c>samples/OrleansClient</c>) run as a process against the same membership.
/// </summary>
internal sealed class SiloProcessCluster : IAsyncDisposable
{
    private static readonly string SiloDll = Path.Combine(AppContext.BaseDirectory, "objectstore.dll");
    private static readonly string SampleDll = LocateSample();

    private SiloProcessCluster(string database, string bucket, Dictionary<string, string> environment)
    {
        Database = database;
        Bucket = bucket;
        Environment = environment;
    }

    /// <summary>The cluster's PostgreSQL connection string.</summary>
    public string Database { get; }

    /// <summary>The cluster's bucket on the shared moto server.</summary>
    public string Bucket { get; }

    /// <summary>The <c>OS__</c> variables every silo gets.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>The silos, in start order; a killed one stays in the list.</summary>
    public List<(ServerProcess Process, int Port)> Silos { get; } = [];

    /// <summary>An HTTP client without keep-alive surprises.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Starts <paramref name="silos"/> silos; <paramref name="s3Endpoint"/> replaces moto's address (e.g. a cuttable
    /// proxy in front of it), <paramref name="postgres"/> the shared PostgreSQL (a server of its own, to stop it).
    /// </summary>
    public static async Task<SiloProcessCluster> StartAsync(int silos, string? s3Endpoint = null, PostgresServer? postgres = null)
    {
        postgres ??= await PostgresServer.Shared;
        var database = await postgres.CreateDatabaseAsync("processes");
        var s3 = await MotoS3Server.Shared;
        var bucket = MotoS3Server.UniqueBucketName("processes");
        using (var client = new AmazonS3Client(new BasicAWSCredentials(MotoS3Server.AccessKey, MotoS3Server.SecretKey),
                   new AmazonS3Config { ServiceURL = s3.Endpoint, AuthenticationRegion = MotoS3Server.Region, ForcePathStyle = true }))
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        var cluster = new SiloProcessCluster(database, bucket, new Dictionary<string, string>
        {
            ["OS__STORAGE__TYPE"] = "tiered",
            ["OS__STORAGE__HIGH_VOLUME__TYPE"] = "postgres",
            ["OS__STORAGE__HIGH_VOLUME__CONNECTION_STRING"] = database,
            ["OS__STORAGE__LONG_TERM__TYPE"] = "s3",
            ["OS__STORAGE__LONG_TERM__ENDPOINT"] = s3Endpoint ?? s3.Endpoint,
            ["OS__STORAGE__LONG_TERM__BUCKET"] = bucket,
            ["OS__STORAGE__LONG_TERM__REGION"] = MotoS3Server.Region,
            ["OS__STORAGE__LONG_TERM__ACCESS_KEY"] = MotoS3Server.AccessKey,
            ["OS__STORAGE__LONG_TERM__SECRET_KEY"] = MotoS3Server.SecretKey,
            ["OS__STORAGE__LONG_TERM__PATH_STYLE"] = "true",
            ["OS__CLUSTER__MEMBERSHIP__TYPE"] = "postgres",
            ["OS__CLUSTER__MEMBERSHIP__CONNECTION_STRING"] = database,
        });
        try
        {
            for (var i = 0; i < silos; i++) await cluster.AddSiloAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts one more silo and waits until it answers /health.</summary>
    public async Task AddSiloAsync()
    {
        var port = ServerProcess.FreeLoopbackPort();
        var environment = new Dictionary<string, string>(Environment) { ["OS__HTTP_ADDR"] = $"127.0.0.1:{port}" };
        var process = ServerProcess.StartWatched("dotnet", [SiloDll, "run"], environment: environment);
        Silos.Add((process, port));
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(90), $"silo {Silos.Count}");
    }

    /// <summary>The URL of <paramref name="path"/> on silo <paramref name="silo"/>.</summary>
    public Uri Url(int silo, string path) => new($"http://127.0.0.1:{Silos[silo].Port}{path}");

    /// <summary>Runs the sample Orleans service to completion: its exit code, standard output bytes and standard error.</summary>
    public async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunSampleAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(SampleDll);
        info.ArgumentList.Add("--postgres");
        info.ArgumentList.Add(Database);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(stdout);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the sample client did not finish within 120 s: {await stderr}");
        }
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    /// <summary>Everything the silos printed, for failure messages.</summary>
    public string Output()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Silos.Count; i++) text.Append("--- silo ").Append(i).AppendLine(" ---").AppendLine(Silos[i].Process.Output);
        return text.ToString();
    }

    /// <summary>The sample's own build output, same configuration as this test assembly (…/bin/{configuration}/{tfm}/).</summary>
    private static string LocateSample()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples", "OrleansClient", "bin", configuration, framework, "objectstore-orleans-client.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"samples/OrleansClient is not built for {configuration}/{framework} above {output.FullName}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in Silos) await process.DisposeAsync();
        Http.Dispose();
    }
}
