using System.CommandLine;
using System.Net.Http;
using ObjectStore.Client;

namespace ObjectStore.Silo.ClientCli;

/// <summary>
/// <c>objectstore put | get | head | rm</c>: moving objects in and out from a shell, built on ObjectStore.Client (no HTTP
/// of its own). Exit codes: 0 ok, 1 not found, 2 usage, 3 auth, 4 server or connection error.
/// </summary>
internal static class ClientCommands
{
    public const int Ok = 0;
    public const int NotFound = 1;
    public const int Usage = 2;
    public const int Auth = 3;
    public const int ServerError = 4;

    private static readonly string[] Names = ["put", "get", "head", "rm"];

    /// <summary>True when the command line names a client command (the server's own commands parse elsewhere).</summary>
    public static bool Handles(IReadOnlyList<string> args) => args.Count > 0 && Names.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Option<string?>("--url") { Description = "The server's URL (default: $OBJECTSTORE_URL)" };
        var usecase = new Option<string>("--usecase", "-u") { Description = "The usecase", Required = true };
        var scope = new Option<string[]>("--scope", "-s") { Description = "A scope component name=value; repeat in order", AllowMultipleArgumentsPerToken = false };
        var token = new Option<string?>("--token") { Description = "A static token (default: $OBJECTSTORE_TOKEN)" };
        var keyFile = new Option<string?>("--key-file") { Description = "An Ed25519 private key (PKCS#8 PEM) to mint tokens with" };
        var kid = new Option<string?>("--kid") { Description = "The key id the server knows --key-file by" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar" };
        Option[] common = [url, usecase, scope, token, keyFile, kid, quiet];

        var putKey = new Option<string?>("--key", "-k") { Description = "The key (default: the server generates one, printed on stdout)" };
        var putFile = new Argument<string>("FILE") { Description = "The file to upload, or - for standard input" };
        var put = Command("put", "Upload a file (large files go up as parallel multipart parts); prints the key", common);
        put.Options.Add(putKey);
        put.Arguments.Add(putFile);

        var getKey = new Argument<string>("KEY") { Description = "The object's key" };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var get = Command("get", "Download an object (decompressed)", common);
        get.Arguments.Add(getKey);
        get.Options.Add(output);

        var headKey = new Argument<string>("KEY") { Description = "The object's key" };
        var head = Command("head", "Print an object's metadata, one field a line", common);
        head.Arguments.Add(headKey);

        var rmKey = new Argument<string>("KEY") { Description = "The object's key" };
        var rm = Command("rm", "Delete an object", common);
        rm.Arguments.Add(rmKey);

        var root = new RootCommand("objectstore client commands") { put, get, head, rm };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine("objectstore: " + error.Message);
            Console.Error.WriteLine($"Try 'objectstore {args[0]} --help'.");
            return Usage;
        }
        // --help is the parser's own action; our four commands have none and are carried out below.
        if (parsed.Action is not null) return await parsed.InvokeAsync();
        var command = parsed.CommandResult.Command;
        if (command == root)
        {
            Console.Error.WriteLine("objectstore: name a command: put, get, head or rm");
            return Usage;
        }

        ObjectStoreClient client;
        try
        {
            client = CreateClient(parsed.GetValue(url), parsed.GetValue(token), parsed.GetValue(keyFile), parsed.GetValue(kid));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("objectstore: " + e.Message);
            return Usage;
        }
        var hadCredentials = parsed.GetValue(token) is not null || parsed.GetValue(keyFile) is not null
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OBJECTSTORE_TOKEN"));
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        using (client)
        {
            try
            {
                var session = client.Session(new Usecase(parsed.GetValue(usecase)!), ParseScope(parsed.GetValue(scope) ?? []));
                var progress = parsed.GetValue(quiet) || Console.IsErrorRedirected ? null : new ProgressBar(Console.Error);
                if (command == put) return await Transfers.PutAsync(session, parsed.GetValue(putFile)!, parsed.GetValue(putKey), progress, cancel.Token);
                if (command == get) return await Transfers.GetAsync(session, parsed.GetValue(getKey)!, parsed.GetValue(output), progress, cancel.Token);
                if (command == head) return await Transfers.HeadAsync(session, parsed.GetValue(headKey)!, cancel.Token);
                await session.DeleteAsync(parsed.GetValue(rmKey)!, cancel.Token);
                return Ok;
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine("objectstore: " + e.Message);
                return Usage;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("objectstore: " + e.Message);
                return Usage;
            }
            catch (ObjectStoreException e)
            {
                Console.Error.WriteLine("objectstore: " + e.Message);
                return IsAuthFailure(e, hadCredentials) ? Auth : ServerError;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException or InvalidDataException)
            {
                Console.Error.WriteLine("objectstore: " + e.Message);
                return ServerError;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("objectstore: cancelled");
                return ServerError;
            }
        }
    }

    /// <summary>401/403, and the 400 the server gives a request without a token (HEAD answers carry no body to tell by).</summary>
    private static bool IsAuthFailure(ObjectStoreException e, bool hadCredentials) =>
        e.StatusCode is 401 or 403
        || (e.StatusCode == 400 && (!hadCredentials || e.ResponseBody?.Contains("auth error", StringComparison.Ordinal) == true));

    private static Command Command(string name, string description, Option[] common)
    {
        var command = new Command(name, description);
        foreach (var option in common) command.Options.Add(option);
        return command;
    }

    private static ObjectStoreClient CreateClient(string? url, string? token, string? keyFile, string? kid)
    {
        url ??= Environment.GetEnvironmentVariable("OBJECTSTORE_URL");
        if (string.IsNullOrEmpty(url)) throw new UsageException("no server URL: pass --url or set OBJECTSTORE_URL");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress)) throw new UsageException($"'{url}' is not a URL");
        if ((keyFile is null) != (kid is null)) throw new UsageException("--key-file and --kid go together");
        var options = new ObjectStoreClientOptions { BaseAddress = baseAddress };
        if (keyFile is not null)
        {
            if (token is not null) throw new UsageException("--token and --key-file are exclusive");
            try
            {
                options.SigningKey = ObjectStoreSigningKey.FromPemFile(kid!, keyFile);
            }
            catch (IOException e)
            {
                throw new UsageException($"cannot read --key-file: {e.Message}");
            }
        }
        else
        {
            options.Token = token ?? (Environment.GetEnvironmentVariable("OBJECTSTORE_TOKEN") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        }
        try
        {
            return new ObjectStoreClient(options);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            throw new UsageException(string.Join("; ", e.Failures));
        }
    }

    private static Scope ParseScope(string[] components) =>
        Scope.Create([.. components.Select(c =>
        {
            var eq = c.IndexOf('=');
            return eq <= 0 ? throw new UsageException($"--scope '{c}' is not name=value") : (c[..eq], c[(eq + 1)..]);
        })]);
}

/// <summary>A command line that cannot be carried out as given (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
