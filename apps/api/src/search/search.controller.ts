import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { viewScope } from '@cascade/domain';
import { searchDirectives, searchWords, type DirectiveHitKey } from '@cascade/persistence';
import { CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { decodeCursor, isExactTime, isUuid, pageOf, tupleOf } from '../common/page';
import { SearchQueryDto } from './search.dto';

/** The header's search box: directives by number, subject and issuer, among those the caller may see. */
@ApiTags('search')
@ApiBearerAuth()
@Controller('search')
export class SearchController {
  constructor(private readonly db: DataSource) {}

  @Get('directives')
  @ApiOperation({
    summary:
      'Directives whose number, subject and issuer hold every word (accents ignored), that you may see; newest first, paged',
  })
  @ApiResponse({
    status: 400,
    description: 'VALIDATION_FAILED: q (1–200 characters), limit (1–100) or cursor',
  })
  async directives(@CurrentPrincipal() principal: RequestPrincipal, @Query() q: SearchQueryDto) {
    const words = searchWords(q.q);
    if (!words.length)
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        CommonErrorCode.VALIDATION_FAILED,
        'q: give at least one word',
        [{ field: 'q', problems: ['give at least one word'] }],
      );
    const after = decodeCursor<DirectiveHitKey>(
      'search',
      q.cursor,
      tupleOf<DirectiveHitKey>(isExactTime, isUuid),
    );
    const mine = principal.grants.map((g) => g.unitPath[g.unitPath.length - 1]);
    const page = await searchDirectives(
      this.db,
      { words, scope: viewScope(principal), mine },
      { after, limit: q.limit },
    );
    return pageOf('search', page);
  }
}
