using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// The way out of a cluster on the board itself, for boards whose console is not wired: the
    /// board's button held from reset for <see cref="HoldMs"/> makes it forget its cluster key
    /// (both settings slots rewritten, as <c>edgectl board forget --port</c> does over the
    /// console); let go sooner, it keeps it. Only at boot, so a knock on the button while the
    /// board runs a workshop does nothing, and never over the network: whoever can press the
    /// button holds the board, which is the trust the USB console has already.
    /// </summary>
    public static class ForgetButton
    {
        public const int HoldMs = 5000;

        /// <summary>How often the button is read while it is held (the status LED blinks at this pace).</summary>
        public const int SampleMs = 100;

        /// <summary>
        /// Reads the button once at boot and, when it is held on a board that has a cluster key,
        /// waits for it to be held <see cref="HoldMs"/> or let go. Returns whether the board
        /// forgot its cluster; <paramref name="settings"/> are then the board's new settings
        /// (no key, no cluster), already in flash. The console says what happens at each step.
        /// </summary>
        public static bool AtBoot(IButton button, IClock clock, BoardSettings settings, IStorage storage, IIndicators leds, ILog log)
        {
            if (button == null || !button.PressedAfter(0))
            {
                return false;
            }

            if (settings.Key == null)
            {
                log.Write("the button is held, but this board belongs to no cluster: there is nothing to forget");
                return false;
            }

            string owner = Owner(settings);
            log.Write("the button is held: keep holding it " + (HoldMs / 1000).ToString() + " s to forget " + owner + ", let go to keep it");
            long start = clock.Milliseconds;
            bool lit = false;
            while (clock.Milliseconds - start < HoldMs)
            {
                if (leds != null)
                {
                    lit = !lit;
                    leds.Show(lit, !lit);
                }

                if (!button.PressedAfter(SampleMs))
                {
                    Dark(leds);
                    log.Write("the button was let go: the board stays in " + owner);
                    return false;
                }
            }

            Dark(leds);
            byte[] key = settings.Key;
            string cluster = settings.Cluster;
            settings.Key = null;
            settings.Cluster = "";
            if (storage == null || !settings.SaveInBothSlots(storage))
            {
                // What the board runs with stays what its flash says, so the next boot agrees.
                settings.Key = key;
                settings.Cluster = cluster;
                log.Write("the board could not write its settings to flash, so it stays in " + owner + "; try again, or forget it over the console (edgectl board forget --port)");
                return false;
            }

            log.Write("forgot " + owner + ": this board takes no control plane on the network until it is provisioned again (edgectl board provision) or claimed");
            return true;
        }

        private static string Owner(BoardSettings settings)
        {
            return "cluster \"" + settings.Cluster + "\" (key " + Trust.SessionAuth.Describe(Trust.SessionAuth.KeyIdOf(settings.Key)) + ")";
        }

        private static void Dark(IIndicators leds)
        {
            if (leds != null)
            {
                leds.Show(false, false);
            }
        }
    }
}
