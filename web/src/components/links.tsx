import { forwardRef, type AnchorHTMLAttributes } from 'react';
import { Anchor, Button, type ButtonProps } from '@mantine/core';
import { createLink } from '@tanstack/react-router';

// Mantine's polymorphic `component={Link}` loses the router's typed params; these keep them.
export const AnchorLink = createLink(Anchor);

const ButtonAnchor = forwardRef<HTMLAnchorElement, ButtonProps & AnchorHTMLAttributes<HTMLAnchorElement>>(function ButtonAnchor(props, ref) {
  return <Button component="a" ref={ref} {...props} />;
});
export const ButtonLink = createLink(ButtonAnchor);
