using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ObjectStore.Gateway.Endpoints;
using ObjectStore.Silo;
using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Hosting;
using ObjectStore.Silo.ClientCli;

// put/get/head/rm talk to a server through ObjectStore.Client; everything else runs or manages one.
if (ClientCommands.Handles(args)) return await ClientCommands.RunAsync(args);

if (!CommandLine.TryParse(args, out var commandLine, out var parseError))
{
    Console.Error.WriteLine($"objectstore: {parseError}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

switch (commandLine.Command)
{
    case "help":
        Console.Write(CommandLine.Help(commandLine.Topic));
        return 0;
    case "version":
        Console.WriteLine("objectstore " + Commands.Version);
        return 0;
    case "sleep":
        await Task.Delay(TimeSpan.FromSeconds(commandLine.Seconds!.Value));
        return 0;
    case "down":
        await File.WriteAllTextAsync(Readiness.DefaultDownFile, "");
        if (commandLine.Seconds is { } wait) await Task.Delay(TimeSpan.FromSeconds(wait));
        return 0;
}

LoadedConfiguration configuration;
try
{
    configuration = ConfigLoader.Load(commandLine.ConfigFile);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine("objectstore: " + e.Message);
    return 2;
}
catch (IOException e)
{
    Console.Error.WriteLine($"objectstore: cannot read configuration file: {e.Message}");
    return 2;
}

return commandLine.Command == "healthcheck"
    ? await Commands.HealthcheckAsync(configuration.Options.HttpAddr)
    : await Commands.RunAsync(configuration);

/// <summary>The subcommands that do more than one line.</summary>
internal static class Commands
{
    /// <summary>The objectstore version this server speaks.</summary>
    public const string Version = "0.1.0";

    /// <summary>Serves until SIGINT/SIGTERM/SIGQUIT/SIGHUP, then drains and returns 0.</summary>
    public static async Task<int> RunAsync(LoadedConfiguration configuration)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopping = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
            stopping.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        ServerHost host;
        try
        {
            host = await StartWaitingForDependenciesAsync(configuration, stopping.Token);
        }
        catch (UnreachableDependencyException e)
        {
            // A configuration to fix or a server to start, like an invalid key: the same exit code, one line.
            Console.Error.WriteLine($"objectstore: cannot start: {e.Message}");
            return 2;
        }
        catch (Exception e) when (ConfigurationException.FromValidation(e) is { } invalid)
        {
            // The options' start-up validation (ValidateOnStart) failed as the host started: the same lines as ConfigLoader's.
            Console.Error.WriteLine("objectstore: " + invalid.Message);
            return 2;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"objectstore: cannot start: {e.Message}");
            return 1;
        }
        await stop.Task;
        await host.StopAsync(TimeSpan.FromSeconds(30));
        return 0;
    }

    /// <summary>
    /// Starts the server; while a dependency is unreachable and <c>startup.wait_for_dependencies</c> has not run out,
    /// says so in one line and retries after a backoff (1 s doubling to 30 s), so a silo may start before its database.
    /// </summary>
    private static async Task<ServerHost> StartWaitingForDependenciesAsync(LoadedConfiguration configuration, CancellationToken stopping)
    {
        var deadline = DateTimeOffset.UtcNow + configuration.Options.Startup.WaitForDependencies;
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                // A signal while starting lets the start finish, then drains (RunAsync); it only cuts a wait short.
                return await ServerHost.StartAsync(configuration);
            }
            catch (UnreachableDependencyException e) when (DateTimeOffset.UtcNow + backoff < deadline)
            {
                Console.Error.WriteLine($"objectstore: waiting for {e.Dependency} ({e.Key}, startup.wait_for_dependencies): {e.InnerException?.Message}; retrying in {backoff.TotalSeconds:0} s");
                await Task.Delay(backoff, stopping);
                backoff = TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, 30));
            }
        }
    }

    /// <summary>GET /health on the configured address; 0 when it answers 200.</summary>
    public static async Task<int> HealthcheckAsync(IPEndPoint httpAddr)
    {
        var host = httpAddr.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : httpAddr.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : httpAddr.Address;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://{new IPEndPoint(host, httpAddr.Port)}/health"));
            Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"objectstore: healthcheck failed: {e.Message}");
            return 1;
        }
    }
}
