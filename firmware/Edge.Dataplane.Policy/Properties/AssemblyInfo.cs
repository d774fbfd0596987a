using System.Reflection;

// Assembly identity for the nanoFramework build (Edge.Dataplane.Policy.nfproj). The net10.0 build
// generates its own attributes and leaves this file out.
[assembly: AssemblyTitle("Edge.Dataplane.Policy")]
[assembly: AssemblyDescription("Edge board dataplane: NetworkPolicy: compiled policies, evaluator, connections, engine")]
[assembly: AssemblyProduct("Edge")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
