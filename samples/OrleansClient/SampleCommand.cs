namespace ObjectStore.Samples.OrleansClient;

/// <summary>The sample's command line: options, then a verb and the object's usecase, scopes and key.</summary>
internal sealed record SampleCommand(string Postgres, string ClusterId, string Verb, string Usecase, string Scopes, string Key, string? File)
{
    /// <summary>The usage text.</summary>
    public const string Usage =
        "usage: objectstore-orleans-client --postgres CONNSTRING [--cluster-id ID] put USECASE SCOPES KEY [FILE|-]\n" +
        "       objectstore-orleans-client --postgres CONNSTRING [--cluster-id ID] get|delete USECASE SCOPES KEY";

    /// <summary>Parses <paramref name="args"/>; false with a message naming the problem.</summary>
    public static bool TryParse(string[] args, out SampleCommand command, out string error)
    {
        command = null!;
        string? postgres = null;
        var clusterId = "objectstore";
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--postgres" when i + 1 < args.Length:
                    postgres = args[++i];
                    break;
                case "--cluster-id" when i + 1 < args.Length:
                    clusterId = args[++i];
                    break;
                case "--postgres" or "--cluster-id":
                    error = $"{args[i]} needs a value";
                    return false;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (postgres is null)
        {
            error = "--postgres CONNSTRING is required (the cluster's membership database)";
            return false;
        }
        if (rest.Count < 4 || rest[0] is not ("put" or "get" or "delete") || rest.Count > (rest[0] == "put" ? 5 : 4))
        {
            error = "expected put USECASE SCOPES KEY [FILE|-], get USECASE SCOPES KEY or delete USECASE SCOPES KEY";
            return false;
        }
        command = new SampleCommand(postgres, clusterId, rest[0], rest[1], rest[2], rest[3], rest.Count == 5 ? rest[4] : null);
        error = "";
        return true;
    }
}
