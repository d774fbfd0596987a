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
            get { return new string[] { "whoami", "hello", "echo", "counter", "toolbox" }; }
        }

        /// <summary>
        /// Starts the image in the pod; null for an unknown image. Registry prefixes and tags
        /// are ignored ("docker.io/traefik/whoami:v1.10" runs whoami).
        /// </summary>
        public static IWorkload Create(string image, PodSandbox pod, string nodeName)
        {
            switch (ShortName(image))
            {
                case "whoami": return new WhoamiServer(pod, nodeName);
                case "hello": return new HelloServer(pod);
                case "echo": return new EchoServer(pod);
                case "counter": return new CounterServer(pod);
                case "toolbox": return new Toolbox();
                default: return null;
            }
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
