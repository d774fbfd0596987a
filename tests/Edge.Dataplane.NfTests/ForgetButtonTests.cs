#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Boards;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Platform;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The board's button held from reset for five seconds makes it forget its cluster, in flash
    /// and for the boot under way; let go sooner, or a board with no cluster, or a flash that
    /// will not take the write: it keeps what it had, and its console says which happened.
    /// </summary>
    [TestClass]
    public class ForgetButtonTests
    {
        [TestMethod]
        public void Held_for_five_seconds_the_board_forgets_its_cluster_in_flash_and_boots_with_none()
        {
            var clock = new ManualClock();
            var flash = new MemoryStorage();
            BoardSettings settings = Keyed();
            Assert.IsTrue(settings.SaveInBothSlots(flash));
            var log = new Lines();
            var leds = new Blinks();

            bool forgot = ForgetButton.AtBoot(new HeldButton(clock, 60000), clock, settings, flash, leds, log);

            Assert.IsTrue(forgot);
            Assert.IsNull(settings.Key);
            Assert.AreEqual("", settings.Cluster);
            Assert.IsTrue(clock.Now >= ForgetButton.HoldMs && clock.Now < ForgetButton.HoldMs + 2 * ForgetButton.SampleMs, "held " + clock.Now.ToString() + " ms");
            string problem;
            BoardSettings stored = BoardSettings.Load(flash, out problem);
            Assert.IsNull(problem);
            Assert.IsNull(stored.Key);
            Assert.AreEqual("node-3", stored.Name); // only the cluster goes: name and addressing stay
            Assert.IsNull(BootPlan.From(settings, "node-3", MemoryClass.Wroom).StartTrust(null), "no key, no trust: the board takes no control plane on the network");
            Assert.IsTrue(log.Has("keep holding it 5 s to forget cluster \"lab\" (key "));
            Assert.IsTrue(log.Has("forgot cluster \"lab\""));
            Assert.IsTrue(leds.Changes >= 40, "the LEDs blink while it is held: " + leds.Changes.ToString());
            Assert.IsFalse(leds.Status || leds.Activity, "and go dark after");
        }

        [TestMethod]
        public void Let_go_sooner_the_board_keeps_its_cluster()
        {
            var clock = new ManualClock();
            var flash = new MemoryStorage();
            BoardSettings settings = Keyed();
            Assert.IsTrue(settings.SaveInBothSlots(flash));
            var log = new Lines();

            bool forgot = ForgetButton.AtBoot(new HeldButton(clock, ForgetButton.HoldMs - 1), clock, settings, flash, null, log);

            Assert.IsFalse(forgot);
            Assert.AreEqual("lab", settings.Cluster);
            Assert.IsNotNull(settings.Key);
            string problem;
            Assert.IsNotNull(BoardSettings.Load(flash, out problem).Key);
            Assert.IsTrue(log.Has("let go: the board stays in cluster \"lab\""));
        }

        [TestMethod]
        public void Not_pressed_at_reset_the_boot_goes_on_at_once_and_says_nothing()
        {
            var clock = new ManualClock();
            BoardSettings settings = Keyed();
            var log = new Lines();

            Assert.IsFalse(ForgetButton.AtBoot(new HeldButton(clock, 0), clock, settings, new MemoryStorage(), null, log));
            Assert.IsFalse(ForgetButton.AtBoot(null, clock, settings, new MemoryStorage(), null, log)); // a board without a button

            Assert.AreEqual(0L, clock.Now);
            Assert.AreEqual("", log.Text);
            Assert.AreEqual("lab", settings.Cluster);
        }

        [TestMethod]
        public void A_board_in_no_cluster_says_there_is_nothing_to_forget_and_does_not_wait()
        {
            var clock = new ManualClock();
            var settings = new BoardSettings();
            var log = new Lines();

            Assert.IsFalse(ForgetButton.AtBoot(new HeldButton(clock, 60000), clock, settings, new MemoryStorage(), null, log));

            Assert.AreEqual(0L, clock.Now);
            Assert.IsTrue(log.Has("belongs to no cluster: there is nothing to forget"));
        }

        [TestMethod]
        public void When_flash_refuses_the_write_the_board_keeps_its_key_for_this_boot_too_and_says_how_else()
        {
            var clock = new ManualClock();
            BoardSettings settings = Keyed();
            var log = new Lines();

            bool forgot = ForgetButton.AtBoot(new HeldButton(clock, 60000), clock, settings, new FullFlash(), null, log);

            Assert.IsFalse(forgot);
            Assert.IsNotNull(settings.Key);
            Assert.AreEqual("lab", settings.Cluster);
            Assert.IsTrue(log.Has("could not write its settings to flash, so it stays in cluster \"lab\""));
            Assert.IsTrue(log.Has("edgectl board forget --port"));
        }

        private static BoardSettings Keyed()
        {
            var settings = new BoardSettings();
            settings.Name = "node-3";
            settings.Cluster = "lab";
            settings.Key = new byte[32];
            for (int i = 0; i < 32; i++)
            {
                settings.Key[i] = (byte)(i * 7 + 3);
            }

            settings.Boots = 41;
            return settings;
        }

        /// <summary>Pressed from reset until <c>releaseAt</c> on the test's clock; each read after a wait moves the clock.</summary>
        private sealed class HeldButton : IButton
        {
            private readonly ManualClock _clock;
            private readonly long _releaseAt;

            public HeldButton(ManualClock clock, long releaseAt)
            {
                _clock = clock;
                _releaseAt = releaseAt;
            }

            public bool PressedAfter(int waitMs)
            {
                _clock.Now += waitMs;
                return _clock.Now < _releaseAt;
            }
        }

        private sealed class Lines : ILog
        {
            public string Text = "";

            public void Write(string line)
            {
                Text += line + "\n";
            }

            public bool Has(string part)
            {
                return Text.IndexOf(part) >= 0;
            }
        }

        private sealed class Blinks : IIndicators
        {
            public int Changes;
            public bool Status;
            public bool Activity;

            public void Show(bool status, bool activity)
            {
                Changes++;
                Status = status;
                Activity = activity;
            }
        }

        private sealed class FullFlash : IStorage
        {
            public byte[] Read(string key)
            {
                return null;
            }

            public bool Write(string key, byte[] buffer, int offset, int length)
            {
                return false;
            }
        }
    }
}
