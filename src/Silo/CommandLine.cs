using System.Globalization;

namespace ObjectStore.Silo;

/// <summary>The parsed command line: <c>objectstore [-c|--config file] run | healthcheck | version | sleep &lt;s&gt; | down [&lt;s&gt;]</c>.</summary>
internal sealed record CommandLine(string Command, string? ConfigFile, double? Seconds)
{
    /// <summary>For <c>help</c>: the command asked about, or null for the overview.</summary>
    public string? Topic { get; init; }

    /// <summary>The usage text printed on a bad command line.</summary>
    public const string Usage = "usage: objectstore [-c|--config <file>] <run | healthcheck | version | sleep <seconds> | down [<seconds>]>";

    /// <summary>What each server command does, for <c>--help</c>.</summary>
    private static readonly IReadOnlyDictionary<string, string> Commands = new Dictionary<string, string>
    {
        ["run"] = "serve the HTTP API and host the grains until SIGINT/SIGTERM, then drain and exit 0 (exit 2: bad configuration or an unreachable dependency)",
        ["healthcheck"] = "GET /health on the configured http_addr; exit 0 when it answers 200 (a container health check)",
        ["version"] = "print the objectstore API version this server speaks",
        ["sleep"] = "sleep <seconds>, then exit 0 (a container's idle entrypoint)",
        ["down"] = "mark every server of this machine not ready (/ready 503) before a stop, then wait [<seconds>]",
    };

    /// <summary>The text <c>objectstore --help</c> prints; with a command, that command's.</summary>
    public static string Help(string? command)
    {
        if (command is not null && Commands.TryGetValue(command, out var what))
            return $"usage: objectstore [-c|--config <file>] {command}{(command is "sleep" ? " <seconds>" : command is "down" ? " [<seconds>]" : "")}\n\n  {what}\n\n{ConfigurationHelp}";
        var text = new System.Text.StringBuilder("usage: objectstore [-c|--config <file>] <command> [arguments]\n\nserver commands:\n");
        foreach (var (name, description) in Commands) text.Append(CultureInfo.InvariantCulture, $"  {name,-12}{description}\n");
        text.Append("\nclient commands (talk to a server through the .NET SDK; each has its own --help):\n");
        text.Append("  put, get, head, rm\n\n");
        text.Append(ConfigurationHelp);
        return text.ToString();
    }

    private const string ConfigurationHelp =
        "configuration: -c <file> (YAML), then OS__SECTION__KEY environment variables, which win (e.g. OS__HTTP_ADDR=127.0.0.1:8888);\n" +
        "every key with its default: docs/configuration.md. Without any, `objectstore run` is the embedded default on 127.0.0.1:8888.\n";

    /// <summary>Parses <paramref name="args"/>; false with the problem in <paramref name="error"/>.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out CommandLine commandLine, out string error)
    {
        commandLine = new CommandLine("", null, null);
        error = "";
        string? config = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-c" or "--config")
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{arg} needs a file name";
                    return false;
                }
                config = args[++i];
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                config = arg["--config=".Length..];
            }
            else
            {
                rest.Add(arg);
            }
        }
        // --help anywhere (or `help [command]`) answers with usage instead of running anything.
        if (rest.Any(a => a is "--help" or "-h") || rest is ["help", ..])
        {
            var topic = rest.FirstOrDefault(a => a is not ("--help" or "-h" or "help"));
            commandLine = new CommandLine("help", config, null) { Topic = topic };
            return true;
        }
        if (rest.Count == 0)
        {
            error = "no command given";
            return false;
        }
        var command = rest[0];
        double? seconds = null;
        switch (command)
        {
            case "run" or "healthcheck" or "version":
                if (rest.Count > 1) return Fail($"'{command}' takes no arguments", out error);
                break;
            case "sleep" or "down":
                if (rest.Count > 2) return Fail($"'{command}' takes at most one argument", out error);
                if (rest.Count == 2)
                {
                    if (!double.TryParse(rest[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s < 0 || !double.IsFinite(s))
                        return Fail($"'{rest[1]}' is not a number of seconds", out error);
                    seconds = s;
                }
                else if (command == "sleep")
                {
                    return Fail("'sleep' needs a number of seconds", out error);
                }
                break;
            default:
                return Fail($"unknown command '{command}'", out error);
        }
        commandLine = new CommandLine(command, config, seconds);
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
