package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.spe.core.RetriableException;

/**
 * Connects to a workspace desktop through production guacd (the official Guacamole proxy, a
 * container in {@code deploy/}): guacamole-common's {@link ConfiguredGuacamoleSocket} over an
 * {@link InetGuacamoleSocket} performs the handshake ({@code select vnc}, {@code args}, the
 * client's size and formats, {@code connect}, {@code ready}). guacd itself is told to disable the
 * clipboard directions the {@link DesktopPolicy} forbids and never gets drive, SFTP or printing
 * parameters; the {@link PolicyFilteredSocket} in front drops the same instructions again, so the
 * policy holds even against a misconfigured guacd. Thread-safe (stateless).
 *
 * @param guacdHost guacd's host name
 * @param guacdPort guacd's port (4822)
 */
public record GuacdDesktopConnector(String guacdHost, int guacdPort) {
    public GuacdDesktopConnector {
        requireNonNull(guacdHost, "guacdHost is null");
        if (guacdPort < 1 || guacdPort > 65535) {
            throw new IllegalArgumentException("guacdPort must be 1..65535: " + guacdPort);
        }
    }

    /** The connection parameters guacd gets for a workspace's VNC server; visible for tests. */
    public static GuacamoleConfiguration configuration(String vncHost, int vncPort, DesktopPolicy policy) {
        GuacamoleConfiguration configuration = new GuacamoleConfiguration();
        configuration.setProtocol("vnc");
        configuration.setParameter("hostname", vncHost);
        configuration.setParameter("port", Integer.toString(vncPort));
        configuration.setParameter("disable-copy", Boolean.toString(!policy.clipboardFromDesktop()));
        configuration.setParameter("disable-paste", Boolean.toString(!policy.clipboardToDesktop()));
        configuration.setParameter("enable-sftp", "false");
        configuration.setParameter("enable-audio", "false");
        return configuration;
    }

    /**
     * Opens a desktop connection through guacd. Blocks for the handshake.
     *
     * @throws RetriableException if guacd or the VNC server behind it cannot be reached
     */
    public GuacamoleSocket connect(String vncHost, int vncPort, DesktopPolicy policy, int width, int height) {
        GuacamoleClientInformation client = new GuacamoleClientInformation();
        client.setOptimalScreenWidth(width);
        client.setOptimalScreenHeight(height);
        client.getImageMimetypes().add("image/png");
        client.getImageMimetypes().add("image/jpeg");
        try {
            return new ConfiguredGuacamoleSocket(new InetGuacamoleSocket(guacdHost, guacdPort), configuration(vncHost, vncPort, policy), client);
        } catch (GuacamoleException e) {
            throw new RetriableException("guacd at " + guacdHost + ":" + guacdPort + " cannot connect the desktop: " + e.getMessage(), e);
        }
    }
}
