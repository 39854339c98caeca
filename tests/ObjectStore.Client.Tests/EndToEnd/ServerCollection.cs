namespace ObjectStore.Client.Tests.EndToEnd;

/// <summary>One auth-enforcing server shared by the end-to-end classes (tests use distinct keys).</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
