using System.Reflection;

// Assembly identity for the nanoFramework build (Edge.Dataplane.Agent.nfproj). The net10.0 build
// generates its own attributes and leaves this file out.
[assembly: AssemblyTitle("Edge.Dataplane.Agent")]
[assembly: AssemblyDescription("Edge board dataplane: node assembly, host-board protocol, agent, workloads, boards")]
[assembly: AssemblyProduct("Edge")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
