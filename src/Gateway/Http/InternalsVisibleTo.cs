using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ObjectStore.Gateway.Tests")]
