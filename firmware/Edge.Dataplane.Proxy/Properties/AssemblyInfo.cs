using System.Reflection;

// Assembly identity for the nanoFramework build (Edge.Dataplane.Proxy.nfproj). The net10.0 build
// generates its own attributes and leaves this file out.
[assembly: AssemblyTitle("Edge.Dataplane.Proxy")]
[assembly: AssemblyDescription("Edge board dataplane: kube-proxy: services, conntrack, NAT, NodePort, views")]
[assembly: AssemblyProduct("Edge")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
