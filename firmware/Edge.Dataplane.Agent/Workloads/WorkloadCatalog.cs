using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The images built into the firmware. A pod whose image is not here fails to start with
    /// <see cref="UnknownImageMessage"/>, which lists what is.
    /// </summary>
    public static class WorkloadCatalog
    {
        /// <summary>The images, made when asked for (a static array of them would sit on the board's heap for good).</summary>
        public static string[] Images
        {
            get { return new string[] { "whoami", "hello", "echo", "counter", "toolbox", "stress" }; }
        }

        /// <summary>
        /// Starts the image in the pod; null for an unknown image. Registry prefixes and tags
        /// are ignored ("docker.io/traefik/whoami:v1.10" runs whoami).
        /// </summary>
        public static IWorkload Create(string image, PodSandbox pod, string nodeName)
        {
            ImageFlags refused;
            return Create(ContainerSpec.One(image)[0], pod, pod.Log, nodeName, new Kubepods(), out refused);
        }

        /// <summary>
        /// Starts the container's image with its args and environment ("NAME=value"), logging to
        /// <paramref name="log"/>, its memory and cpu held to its limits within the board's
        /// <paramref name="kubepods"/>; null for an unknown image, or when the image does not take its
        /// command line or cannot listen on its port (a sibling container holds it): then
        /// <paramref name="refused"/> says why and how it exited, as the program would have.
        /// </summary>
        public static IWorkload Create(ContainerSpec container, PodSandbox pod, PodLog log, string nodeName, Kubepods kubepods, out ImageFlags refused)
        {
            IWorkload workload = Start(container, pod, log, nodeName, kubepods, out refused);
            var server = workload as HttpServer;
            if (server != null)
            {
                server.Log = log;
            }

            return workload;
        }

        /// <summary>Whether the image's program takes memory or cpu from what the board's pods share (stress does; the servers' buffers are the network stack's).</summary>
        public static bool TakesFromKubepods(string image)
        {
            return ShortName(image) == "stress";
        }

        // The image's port, unless a sibling container of the pod listens there: then the
        // program ends as Go's net.Listen has it end (exit 1), and null.
        private static bool Bind(PodSandbox pod, ImageFlags flags, int portFlag)
        {
            ushort port = flags.Port(portFlag);
            if (!pod.Listens(port))
            {
                return true;
            }

            flags.Error = "listen tcp :" + port.ToString() + ": bind: address already in use\n";
            flags.Exit = 1;
            return false;
        }

        private static IWorkload Start(ContainerSpec container, PodSandbox pod, PodLog log, string nodeName, Kubepods kubepods, out ImageFlags refused)
        {
            refused = null;
            string[] args = container.Args, env = container.Env;
            string name = ShortName(container.Image);
            ImageFlags flags;
            switch (name)
            {
                case "whoami":
                    flags = new ImageFlags(name, 6);
                    int port = flags.DefinePort("port", "80", "WHOAMI_PORT_NUMBER", "the port to listen on");
                    int who = flags.Define("name", "", "WHOAMI_NAME", "the name it says it has, first in every answer");
                    flags.DefineBool("verbose", "log every request's headers");
                    int cert = flags.Define("cert", "", null, "a certificate for TLS (not served here: terminate TLS at an Ingress)");
                    flags.Define("key", "", null, "the certificate's key");
                    flags.Define("cacert", "", null, "a CA for mutual TLS");
                    if (!flags.Parse(args, env) || !NoTls(flags, cert) || !Bind(pod, flags, port))
                    {
                        refused = flags;
                        return null;
                    }

                    return new WhoamiServer(pod, nodeName, flags.Port(port), flags.Value(who));
                case "hello":
                    flags = new ImageFlags(name, 2);
                    int helloPort = flags.DefinePort("port", "80", null, "the port to listen on");
                    int message = flags.Define("message", "", "HELLO_MESSAGE", "the line the page says under its title");
                    if (!flags.Parse(args, env) || !Bind(pod, flags, helloPort))
                    {
                        refused = flags;
                        return null;
                    }

                    return new HelloServer(pod, flags.Port(helloPort), flags.Value(message));
                case "echo":
                    flags = new ImageFlags(name, 1);
                    int echoPort = flags.DefinePort("port", "7", null, "the port to echo on (TCP and UDP)");
                    if (!flags.Parse(args, env) || !Bind(pod, flags, echoPort))
                    {
                        refused = flags;
                        return null;
                    }

                    return new EchoServer(pod, flags.Port(echoPort));
                case "counter":
                    flags = new ImageFlags(name, 1);
                    int counterPort = flags.DefinePort("port", "80", null, "the port to listen on");
                    if (!flags.Parse(args, env) || !Bind(pod, flags, counterPort))
                    {
                        refused = flags;
                        return null;
                    }

                    return new CounterServer(pod, flags.Port(counterPort));
                case "toolbox": return new Toolbox(); // its main process only sleeps (its args, "sleep infinity" say, are not read); tools run with exec
                case "stress":
                    return StressWorkload.Start(container, log, kubepods, out refused);
                default: return null;
            }
        }

        // whoami's TLS flags name files a board does not have: the program ends, as it would without them.
        private static bool NoTls(ImageFlags flags, int cert)
        {
            if (flags.Value(cert).Length == 0)
            {
                return true;
            }

            flags.Error = "open " + flags.Value(cert) + ": no such file or directory (the built-in whoami serves plain HTTP: terminate TLS at an Ingress)\n";
            flags.Exit = 1;
            return false;
        }

        public static string UnknownImageMessage(string image)
        {
            string[] images = Images;
            string list = "";
            for (int i = 0; i < images.Length; i++)
            {
                list += (i == 0 ? "" : ", ") + images[i];
            }

            return "image \"" + image + "\" is not built into Edge; use one of: " + list;
        }

        /// <summary>"docker.io/traefik/whoami:v1.10" gives "whoami".</summary>
        public static string ShortName(string image)
        {
            if (image == null)
            {
                return "";
            }

            int slash = image.LastIndexOf('/');
            string name = slash >= 0 ? image.Substring(slash + 1) : image;
            int colon = name.IndexOf(':');
            int at = name.IndexOf('@');
            int cut = colon >= 0 ? colon : at;
            return cut >= 0 ? name.Substring(0, cut) : name;
        }
    }
}
