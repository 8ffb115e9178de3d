import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { membershipsOfUser } from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from './auth-error-codes';
import { AuthService } from './auth.service';
import { CurrentPrincipal, Public } from './decorators';
import { ActivateDto, LoginDto, RefreshDto, TokenPairDto } from './dto/login.dto';
import type { RequestPrincipal } from './principal';

// req.ip honours TRUST_PROXY_HOPS (Express `trust proxy`, set by AuthModule): by default the socket's address.
const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** A throttled attempt's 429 carries Retry-After. */
async function throttled<T>(res: Response, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof ApiError && error.code === String(AuthErrorCode.LOGIN_THROTTLED)) {
      const { retryAfterSeconds } = error.details as { retryAfterSeconds: number };
      res.setHeader('Retry-After', String(retryAfterSeconds));
    }
    throw error;
  }
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly dataSource: DataSource,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in: a short-lived access token and a rotating refresh token' })
  @ApiResponse({ status: 200, type: TokenPairDto })
  @ApiResponse({ status: 401, description: 'INVALID_CREDENTIALS' })
  @ApiResponse({ status: 429, description: 'LOGIN_THROTTLED (Retry-After, details.retryAfterSeconds)' })
  login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairDto> {
    return throttled(res, () => this.auth.login(dto.email, dto.password, clientAddress(req)));
  }

  @Public()
  @Post('activate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Activate an account made in bulk: its one-time token sets the first password; answers a session',
  })
  @ApiResponse({ status: 200, type: TokenPairDto })
  @ApiResponse({ status: 400, description: 'PASSWORD_TOO_WEAK (naming password), VALIDATION_FAILED' })
  @ApiResponse({
    status: 401,
    description: 'ACTIVATION_TOKEN_INVALID: unknown, used or expired (one answer)',
  })
  @ApiResponse({ status: 429, description: 'LOGIN_THROTTLED (Retry-After, details.retryAfterSeconds)' })
  activate(
    @Body() dto: ActivateDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairDto> {
    return throttled(res, () => this.auth.activate(dto.token, dto.password, clientAddress(req)));
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair; a reused token revokes its whole session',
  })
  @ApiResponse({ status: 200, type: TokenPairDto })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the current session: its access and refresh tokens stop working at once' })
  async logout(@CurrentPrincipal() principal: RequestPrincipal): Promise<void> {
    if (principal.sessionId) await this.auth.revokeSession(principal.sessionId, 'logout');
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller, with its memberships' })
  async me(@CurrentPrincipal() principal: RequestPrincipal) {
    if (principal.kind === 'apiKey') {
      return { kind: 'apiKey', id: principal.id, name: principal.name, grants: principal.grants };
    }
    const memberships = (await membershipsOfUser(this.dataSource, principal.id)).map(
      ({ path: _path, ...membership }) => membership,
    );
    return {
      kind: 'user',
      id: principal.id,
      email: principal.email,
      name: principal.name,
      systemAdmin: principal.systemAdmin,
      memberships,
    };
  }
}
