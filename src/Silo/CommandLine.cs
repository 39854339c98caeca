using System.Globalization;

namespace ObjectStore.Silo;

/// <summary>The parsed command line: <c>objectstore [-c|--config file] run | healthcheck | version | sleep &lt;s&gt; | down [&lt;s&gt;]</c>.</summary>
internal sealed record CommandLine(string Command, string? ConfigFile, double? Seconds)
{
    /// <summary>The usage text printed on a bad command line.</summary>
    public const string Usage = "usage: objectstore [-c|--config <file>] <run | healthcheck | version | sleep <seconds> | down [<seconds>]>";

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
