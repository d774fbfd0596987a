using System.Reflection;

// Assembly identity for the nanoFramework build (Edge.Dataplane.Net.nfproj). The net10.0 build
// generates its own attributes and leaves this file out.
[assembly: AssemblyTitle("Edge.Dataplane.Net")]
[assembly: AssemblyDescription("Edge board dataplane: wire formats, platform seam, pod network, overlay, TCP")]
[assembly: AssemblyProduct("Edge")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
