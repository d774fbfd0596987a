using System.Reflection;

// Assembly identity for the nanoFramework build (Edge.Dataplane.Ingress.nfproj). The net10.0 build
// generates its own attributes and leaves this file out.
[assembly: AssemblyTitle("Edge.Dataplane.Ingress")]
[assembly: AssemblyDescription("Edge board dataplane: HTTP ingress: routes, matching, the proxy on port 80")]
[assembly: AssemblyProduct("Edge")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
